"""The offline `template` provider: real title formulas, platform layouts and phrase banks from data files.

Deterministic: every choice comes from an RNG seeded by a hash of the request, so a retried activity
gives the same text and tests can pin outputs.
"""

from __future__ import annotations

import re
from typing import Any

from activities.agent import comment_triage, follow_up, replies, suggestions
from activities.agent.brand_words import remove_avoid_words
from activities.agent.datafiles import load
from activities.agent.providers.brand_lines import (
    BRAND_FORMULA,
    brand_block,
    brand_title,
    brand_values,
    with_block,
)
from activities.agent.providers.proven_hooks import proven_titles
from activities.agent.providers.script_writer import body_points, write_script
from activities.agent.providers.writer import Writer
from activities.agent.rules import bare_tag, format_hashtag, trim_text
from douflow.platforms import PlatformRules, rules_for, title_limit
from models.comments import CommentDecision, CommentJob
from models.conversations import ReplyDecision, ReplyJob
from models.generation import (
    CopyRequest,
    ImagePostDraft,
    ImagePostRequest,
    ImageSpec,
    Platform,
    PlatformCopy,
    TitleCandidate,
    TitleRequest,
    TitleResult,
    VideoScript,
    VideoScriptRequest,
    brand_of,
)
from models.suggestions import SuggestionJob, SuggestionSet
from models.tasks import FollowUpScript, FollowUpScriptJob

TAG_MAX_CHARS = 15
_BLANK_RUNS = re.compile(r"\n{3,}")
SUMMARY_LINES = 3
SUMMARY_LINE_MAX = 18
_NO_SWIPE_HINT: frozenset[Platform] = frozenset({"wechat_mp"})


class TemplateProvider:
    """Generates from data-file templates; no network, no global randomness."""

    async def titles(self, req: TitleRequest) -> TitleResult:
        writer = Writer(req, f"titles:{req.platform}")
        limit = title_limit(req.platform, req.max_length)
        candidates = _brand_led(writer, limit, req.count)
        candidates += proven_titles(req, writer.subject, limit, req.count - len(candidates))
        candidates += write_titles(writer, limit, req.count - len(candidates))
        return _without_avoid_words(TitleResult(candidates=candidates), req)

    async def platform_copy(self, req: CopyRequest) -> PlatformCopy:
        writer = Writer(req, f"copy:{req.platform}", _layout(req.platform)["points"])
        title, hashtags, body = _post_parts(writer, req.platform)
        copy = PlatformCopy(platform=req.platform, title=title, body=body, hashtags=hashtags)
        return remove_avoid_words(copy, brand_of(req))

    async def image_post(self, req: ImagePostRequest) -> ImagePostDraft:
        writer = Writer(req, f"image_post:{req.platform}", _layout(req.platform)["points"])
        title, hashtags, body = _post_parts(writer, req.platform)
        if req.platform not in _NO_SWIPE_HINT and req.image_count > 1:
            hint = writer.fill(load("copy")["image_post"]["swipe_hint"], count=str(req.image_count))
            body = f"{body}\n{hint}"
        images = _image_specs(writer, req.image_count)
        post = ImagePostDraft(platform=req.platform, title=title, body=body, hashtags=hashtags, images=images)
        return remove_avoid_words(post, brand_of(req))

    async def video_script(self, req: VideoScriptRequest) -> VideoScript:
        points = body_points(req.script_type, req.duration_seconds, _script_items(req))
        writer = Writer(req, f"script:{req.script_type}", points)
        limit = title_limit("douyin")
        title = (_brand_led(writer, limit, 1) or write_titles(writer, limit, 1))[0].text
        script = write_script(writer, title, req.script_type, req.duration_seconds)
        if writer.brand is not None and writer.brand.profile.call_to_action:
            script = script.model_copy(update={"call_to_action": writer.brand.profile.call_to_action})
        return remove_avoid_words(script, writer.brand)

    async def reply(self, job: ReplyJob) -> ReplyDecision:
        return replies.decide(job)

    async def comment(self, job: CommentJob) -> CommentDecision:
        return comment_triage.triage(job)

    async def suggest_replies(self, job: SuggestionJob) -> SuggestionSet:
        return suggestions.suggest(job)

    async def follow_up_script(self, job: FollowUpScriptJob) -> FollowUpScript:
        return follow_up.script(job)

    async def aclose(self) -> None:
        """Nothing to close; present so every provider shuts down the same way."""


def write_titles(
    writer: Writer, limit: int, count: int, preferred: list[str] | None = None
) -> list[TitleCandidate]:
    """Distinct titles within `limit`, round-robin over formulas so every candidate uses another angle."""
    formulas = _ordered_formulas(writer, preferred or [])
    queues = {f["id"]: _patterns(writer, f) for f in formulas}
    chosen: dict[str, str] = {}
    overflow: list[tuple[str, str]] = []
    keywords = writer.keywords or [writer.subject]
    while len(chosen) < count and any(queues.values()):
        for formula in formulas:
            if len(chosen) == count or not queues[formula["id"]]:
                continue
            text = writer.fill(queues[formula["id"]].pop(), kw=keywords[len(chosen) % len(keywords)])
            if len(text) <= limit:
                chosen.setdefault(text, formula["id"])
            else:
                overflow.append((text, formula["id"]))
    for text, formula_id in overflow:
        trimmed = trim_text(text, limit)
        if len(chosen) < count and _clean_cut(text, trimmed) and writer.subject in trimmed:
            chosen.setdefault(trimmed, formula_id)
    _add_short_titles(writer, limit, count, chosen)
    return [TitleCandidate(text=t, formula=f, length=len(t)) for t, f in chosen.items()]


def _brand_led(writer: Writer, limit: int, count: int) -> list[TitleCandidate]:
    """With a brand, the first candidate names it, its product and a selling point."""
    if writer.brand is None or count < 1:
        return []
    text = brand_title(brand_values(writer.brand, writer.product_name), limit)
    return [TitleCandidate(text=text, formula=BRAND_FORMULA, length=len(text))] if text else []


def _without_avoid_words(result: TitleResult, req: TitleRequest) -> TitleResult:
    """Avoid-words cut out; a candidate left empty or equal to another is dropped, lengths recounted."""
    scrubbed = remove_avoid_words(result, brand_of(req))
    if scrubbed is result:
        return result
    texts: dict[str, TitleCandidate] = {}
    for candidate in scrubbed.candidates:
        if candidate.text.strip():
            texts.setdefault(candidate.text, candidate)
    return TitleResult(candidates=[c.model_copy(update={"length": len(t)}) for t, c in texts.items()])


def _clean_cut(text: str, trimmed: str) -> bool:
    """A trimmed title is kept only when it ends where a clause ended, not in the middle of one."""
    rest = text[len(trimmed) :].lstrip()
    return bool(rest) and rest[0] in "，,：:！!？?；;｜|#"


def _ordered_formulas(writer: Writer, preferred: list[str]) -> list[dict[str, Any]]:
    formulas = writer.shuffled(load("titles")["formula"])
    return sorted(
        formulas, key=lambda f: preferred.index(f["id"]) if f["id"] in preferred else len(preferred)
    )


def _patterns(writer: Writer, formula: dict[str, Any]) -> list[str]:
    """Patterns of one formula in seeded order (popped from the end); {kw} ones need keywords."""
    patterns = [p for p in formula["patterns"] if writer.keywords or "{kw}" not in p]
    return writer.shuffled(patterns)


def _add_short_titles(writer: Writer, limit: int, count: int, chosen: dict[str, str]) -> None:
    """Keyword-plus-suffix titles for limits too short for any formula."""
    short = load("titles")["short"]
    for suffix in writer.shuffled(short["suffixes"]):
        if len(chosen) >= count:
            return
        text = trim_text(writer.subject, limit - len(suffix)) + suffix
        chosen.setdefault(text, short["id"])


def _layout(platform: Platform) -> dict[str, Any]:
    layout: dict[str, Any] = load("copy")[platform]
    return layout


def _script_items(req: VideoScriptRequest) -> int:
    """How many distinct points a script of this brief can walk through, before any is repeated."""
    writer = Writer(req, f"script:{req.script_type}")
    return len(writer.product_points()) if req.script_type == "product_seeding" else len(writer.tips)


def _post_parts(writer: Writer, platform: Platform) -> tuple[str, list[str], str]:
    """Title, hashtags and body of one platform's post, following its layout and rules."""
    rules = rules_for(platform)
    layout = _layout(platform)
    title = write_titles(writer, rules.title_max, 1, layout["title_formulas"])[0].text
    hashtags = _hashtags(writer, rules)
    body = _body(writer, layout, toptag=hashtags[0] if hashtags else "")
    if writer.brand is None:
        return title, hashtags, trim_text(body, rules.body_max)
    values = brand_values(writer.brand, writer.product_name)
    title = brand_title(values, rules.title_max) or title
    return title, hashtags, with_block(body, brand_block(values), rules.body_max)


def _hashtags(writer: Writer, rules: PlatformRules) -> list[str]:
    """Topic tag, keyword tags, then the platform's generic tags, within the platform's count."""
    if rules.hashtag_max == 0:
        return []
    wanted = min(rules.hashtag_max, max(rules.hashtag_min, len(writer.keywords) + 3))
    candidates = [writer.subject, *writer.keywords, *writer.shuffled(rules.generic_tags)]
    tags: dict[str, str] = {}
    for candidate in candidates:
        bare = trim_text(bare_tag(candidate), TAG_MAX_CHARS)
        if len(bare) >= 2 and len(tags) < wanted:
            tags.setdefault(bare, format_hashtag(bare, rules.platform))
    return list(tags.values())


def _body(writer: Writer, layout: dict[str, Any], toptag: str) -> str:
    """The layout's lines; `@points` becomes exactly `points` numbered points, and empty fills drop out."""
    count: int = layout["points"]
    extra = {
        "toptag": toptag,
        "tip_lead": writer.tips[count % len(writer.tips)],
        **{f"mistake{i + 1}": m for i, m in enumerate(_cycled(writer.mistakes, 3))},
    }
    out: list[str] = []
    for alternatives in layout["body"]:
        template = writer.pick(alternatives)
        if template == "@points":
            out += [
                writer.fill(layout["point"], mark=layout["marks"][i], tip=tip)
                for i, tip in enumerate(_cycled(writer.tips, count))
            ]
        elif not template:
            out.append("")
        elif _has_values(writer, template):
            out.append(writer.fill(template, **extra))
    return _BLANK_RUNS.sub("\n\n", "\n".join(out)).strip()


def _has_values(writer: Writer, template: str) -> bool:
    """A line about keywords or an audience the brief does not name is left out."""
    return not (
        ("{kws}" in template and not writer.keywords)
        or ("{audience_note}" in template and not writer.values["audience_note"])
    )


def _cycled(values: list[str], count: int) -> list[str]:
    return [values[i % len(values)] for i in range(count)]


def _image_specs(writer: Writer, count: int) -> list[ImageSpec]:
    """A cover and inner pages with distinct roles; the summary page closes posts of three or more.

    The description is only ever a prompt; what a slide prints is its caption and text.
    """
    layout = load("copy")["image_post"]
    style = writer.pick(layout["visual_styles"])
    cover = ImageSpec(
        description=writer.fill(writer.pick(layout["cover_description"]), style=style),
        caption=writer.fill(writer.pick(layout["cover_caption"])),
    )
    pages = layout["page"]
    roles = pages[:-1][: count - 2] + pages[-1:] if count >= 3 else pages[: count - 1]
    tips = writer.tips[_layout_points(writer) :] or writer.tips
    summary = "\n".join(trim_text(tip, SUMMARY_LINE_MAX) for tip in writer.tips[:SUMMARY_LINES])
    specs = [cover]
    for i, page in enumerate(roles):
        extra = {
            "style": style,
            "tip": tips[i % len(tips)],
            "mistake": writer.mistakes[i % len(writer.mistakes)],
            "summary": summary,
        }
        specs.append(
            ImageSpec(
                description=writer.fill(page["description"], **extra),
                caption=writer.fill(page["caption"], **extra),
                text=writer.fill(page["text"], **extra),
            )
        )
    return specs


def _layout_points(writer: Writer) -> int:
    return int(writer.values["n"])
