"""System prompts of the openai provider, rendered from data/prompts.toml and the platform rules."""

from __future__ import annotations

from activities.agent.datafiles import load
from douflow.platforms import PlatformRules, rules_for, title_limit
from models.brands import BrandContext
from models.comments import CommentJob
from models.conversations import ReplyJob
from models.generation import (
    Brief,
    CopyRequest,
    ImagePostRequest,
    Platform,
    TitleRequest,
    VideoScriptRequest,
    brand_of,
    proven_of,
)
from models.proven import ProvenPatterns
from models.suggestions import STYLE_LABELS, SuggestionJob
from models.tasks import FollowUpScriptJob

NONE_GIVEN = "（未提供）"


def reply_prompt(job: ReplyJob) -> str:
    """The customer-service bot's task; the request JSON carries the messages, the hits and the brand."""
    return _task("reply")


def comment_prompt(job: CommentJob) -> str:
    """The comment triage's task; the request JSON carries the comment, the hits and the brand."""
    return _task("comment")


def suggestions_prompt(job: SuggestionJob) -> str:
    """Drafts for an agent, one per style; the request JSON carries the messages, the hits and the brand."""
    styles = "；".join(f"{style}（{label}）" for style, label in STYLE_LABELS.items())
    return _task("suggestions").format(styles=styles)


def follow_up_prompt(job: FollowUpScriptJob) -> str:
    """A task owner's script; the request JSON carries the reason, the context, the hits and the brand."""
    return _task("follow_up")


def titles_prompt(req: TitleRequest) -> str:
    formulas = "、".join(f"{f['id']}（{f['label']}）" for f in load("titles")["formula"])
    task = _task("titles").format(limit=title_limit(req.platform, req.max_length), formulas=formulas)
    prompt = _compose(task, rules_for(req.platform), req)
    proven = proven_of(req)
    return f"{prompt}\n\n{proven_prompt(proven, req.count)}" if proven and proven.patterns else prompt


def proven_prompt(proven: ProvenPatterns, count: int) -> str:
    """The account's proven patterns, each with the post it was learnt from, and how to cite them."""
    prompts, hooks = load("prompts"), load("hooks")
    lines = [
        str(prompts["proven_line"]).format(
            pattern=p.pattern,
            label=hooks[p.pattern]["label"],
            title=p.evidence.title,
            plays=p.evidence.plays,
            ratio=p.evidence.ratio,
        )
        for p in proven.patterns
    ]
    return str(prompts["proven"]).format(
        patterns="\n".join(lines),
        wanted=min(count, len(proven.patterns)),
        example=proven.patterns[0].pattern,
    )


def copy_prompt(req: CopyRequest) -> str:
    task = _task("platform_copy").format(**_rule_values(req.platform))
    return _compose(task, rules_for(req.platform), req)


def image_post_prompt(req: ImagePostRequest) -> str:
    values = _rule_values(req.platform) | {"image_count": req.image_count}
    return _compose(_task("image_post").format(**values), rules_for(req.platform), req)


def video_script_prompt(req: VideoScriptRequest) -> str:
    spec = load("scripts")[req.script_type]
    segments = [*spec["intro"], spec["body"], *spec["outro"]]
    structure = " → ".join(["hook", *(s["name"] for s in segments), "call_to_action"])
    task = _task("video_script").format(
        script_type=req.script_type,
        script_type_name=load("prompts")["script_type_names"][req.script_type],
        duration=req.duration_seconds,
        structure=structure,
    )
    return _compose(task, rules_for("douyin"), req)


def image_prompt(description: str) -> str:
    """The prompt sent to an image model for one image spec."""
    return f"{description}。{load('prompts')['image']['style']}"


def _task(name: str) -> str:
    return str(load("prompts")["task"][name]["instruction"])


def _rule_values(platform: Platform) -> dict[str, object]:
    rules = rules_for(platform)
    return {
        "platform": platform,
        "platform_name": rules.display_name,
        "title_max": rules.title_max,
        "body_max": rules.body_max,
        "hashtag_max": rules.hashtag_max,
        "hashtag_format": load("prompts")["hashtag_format"][rules.hashtag_style],
    }


def brand_prompt(brand: BrandContext) -> str:
    """The brand's rules for the model; the profile itself travels in the user message."""
    profile = brand.profile
    product = brand.product
    points = product.selling_points if product else []
    proofs = [*(product.proof if product else []), *profile.proof]
    values = {
        "name": profile.name,
        "industry": profile.industry or NONE_GIVEN,
        "product_clause": f"，并写出产品「{product.name}」" if product else "",
        "points": _listed(points),
        "proofs": _listed(proofs),
        "price": profile.price_range or NONE_GIVEN,
        "audiences": _listed(profile.audiences),
        "tone": profile.tone or NONE_GIVEN,
        "prefer": _listed(profile.prefer_words),
        "cta": profile.call_to_action or NONE_GIVEN,
        "avoid": _listed(profile.avoid_words),
    }
    return str(load("prompts")["brand"]).format(**values)


def _listed(values: list[str]) -> str:
    return "、".join(values) or NONE_GIVEN


def _compose(task: str, rules: PlatformRules, req: Brief) -> str:
    notes = "\n".join(f"- {note}" for note in rules.notes)
    platform = f"{rules.display_name}平台规则（语气：{rules.tone}）：\n{notes}"
    prompt = f"{load('prompts')['common']}\n\n{task}\n\n{platform}"
    brand = brand_of(req)
    return prompt if brand is None else f"{prompt}\n\n{brand_prompt(brand)}"
