"""The offline `template` provider: real title formulas, platform layouts and phrase banks from data files.

Deterministic: every choice comes from an RNG seeded by a hash of the request, so a retried activity
gives the same text and tests can pin outputs.
"""

from __future__ import annotations

from typing import Any

from activities.agent.datafiles import load
from activities.agent.providers.script_writer import write_script
from activities.agent.providers.writer import Writer
from activities.agent.rules import bare_tag, format_hashtag, trim_text
from douflow.platforms import PlatformRules, rules_for, title_limit
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
)

TAG_MAX_CHARS = 15
_NO_SWIPE_HINT: frozenset[Platform] = frozenset({"wechat_mp"})


class TemplateProvider:
    """Generates from data-file templates; no network, no global randomness."""

    async def titles(self, req: TitleRequest) -> TitleResult:
        writer = Writer(req, f"titles:{req.platform}")
        limit = title_limit(req.platform, req.max_length)
        return TitleResult(candidates=write_titles(writer, limit, req.count))

    async def platform_copy(self, req: CopyRequest) -> PlatformCopy:
        writer = Writer(req, f"copy:{req.platform}")
        title, hashtags, body = _post_parts(writer, req.platform)
        return PlatformCopy(platform=req.platform, title=title, body=body, hashtags=hashtags)

    async def image_post(self, req: ImagePostRequest) -> ImagePostDraft:
        writer = Writer(req, f"image_post:{req.platform}")
        title, hashtags, body = _post_parts(writer, req.platform)
        if req.platform not in _NO_SWIPE_HINT and req.image_count > 1:
            hint = writer.fill(load("copy")["image_post"]["swipe_hint"], count=str(req.image_count))
            body = f"{body}\n{hint}"
        images = _image_specs(writer, title, req.image_count)
        return ImagePostDraft(platform=req.platform, title=title, body=body, hashtags=hashtags, images=images)

    async def video_script(self, req: VideoScriptRequest) -> VideoScript:
        writer = Writer(req, f"script:{req.script_type}", product=req.product)
        title = write_titles(writer, title_limit("douyin"), 1)[0].text
        return write_script(writer, title, req.script_type, req.duration_seconds)

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


def _post_parts(writer: Writer, platform: Platform) -> tuple[str, list[str], str]:
    """Title, hashtags and body of one platform's post, following its layout and rules."""
    rules = rules_for(platform)
    layout = load("copy")[platform]
    title = write_titles(writer, rules.title_max, 1, layout["title_formulas"])[0].text
    hashtags = _hashtags(writer, rules)
    body = _body(writer, layout["body"], toptag=hashtags[0] if hashtags else "")
    return title, hashtags, trim_text(body, rules.body_max)


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


def _body(writer: Writer, lines: list[list[str]], toptag: str) -> str:
    out: list[str] = []
    for alternatives in lines:
        if not writer.keywords and any("{kws}" in alt for alt in alternatives):
            continue
        out.append(writer.fill(writer.pick(alternatives), toptag=toptag))
    return "\n".join(out).strip()


def _image_specs(writer: Writer, title: str, count: int) -> list[ImageSpec]:
    """A cover and inner pages with distinct roles; the summary page closes posts of three or more."""
    layout = load("copy")["image_post"]
    style = writer.pick(layout["visual_styles"])
    cover = ImageSpec(
        description=writer.fill(writer.pick(layout["cover_description"]), style=style) + f"，标题「{title}」",
        caption=writer.fill(writer.pick(layout["cover_caption"])),
    )
    pages = layout["page"]
    roles = pages[:-1][: count - 2] + pages[-1:] if count >= 3 else pages[: count - 1]
    specs = [cover]
    for i, page in enumerate(roles):
        extra = {
            "style": style,
            "tip": writer.tips[i % len(writer.tips)],
            "mistake": writer.mistakes[i % len(writer.mistakes)],
            "aspect": writer.aspects[i % len(writer.aspects)],
        }
        specs.append(
            ImageSpec(
                description=writer.fill(page["description"], **extra),
                caption=writer.fill(page["caption"], **extra),
            )
        )
    return specs
