"""What agent-center checks and shapes against each platform's rules: hashtags, trimming, result limits."""

from __future__ import annotations

import re
import unicodedata

from douflow.platforms import rules_for, title_limit
from models.generation import ImagePostDraft, Platform, PlatformCopy, TitleResult, VideoScript

SCRIPT_DURATION_TOLERANCE_SECONDS = 1.0
_HASHTAG_RE = re.compile(r"#[^#\s]+#?")
# Characters a trimmed text must not end with: joiners, variation selectors, openers, connectors.
_CLAUSE_MARKS = set("，,。！!？?；;：:｜|")
_BAD_TAIL = set("\u200d\ufe0e\ufe0f（(【[「『《“‘，,、：:；;—-·|｜#")


def bare_tag(tag: str) -> str:
    """A hashtag without its '#' marks, spaces or punctuation."""
    return "".join(ch for ch in tag if ch != "#" and not ch.isspace() and not _is_punct(ch))


def format_hashtag(tag: str, platform: Platform) -> str:
    """`#tag` or `#tag#` in the platform's style; empty for platforms without hashtags."""
    style = rules_for(platform).hashtag_style
    bare = bare_tag(tag)
    if style == "none" or not bare:
        return ""
    return f"#{bare}#" if style == "double" else f"#{bare}"


def render_hashtags(tags: list[str], platform: Platform) -> str:
    """Hashtags as one line, ready to append to a post body."""
    return " ".join(t for t in (format_hashtag(tag, platform) for tag in tags) if t)


def trim_text(text: str, limit: int) -> str:
    """Cut to `limit` characters at a clean boundary: never inside a hashtag, never on a joiner."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = _clause_cut(text, limit)
    for match in _HASHTAG_RE.finditer(text):
        if match.start() < cut < match.end():
            cut = match.start()
            break
    while 0 < cut < len(text) and (_continues_cluster(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1  # never split an emoji sequence or a base letter from its combining mark
    trimmed = text[:cut].rstrip()
    while trimmed and (trimmed[-1] in _BAD_TAIL or unicodedata.category(trimmed[-1]) in {"Mn", "Cf"}):
        trimmed = trimmed[:-1].rstrip()
    return trimmed


def _clause_cut(text: str, limit: int) -> int:
    """Prefer ending at a clause mark in the second half of the allowed length."""
    window = text[: limit + 1]
    marks = [i for i, ch in enumerate(window) if ch in _CLAUSE_MARKS]
    return marks[-1] if marks and marks[-1] >= limit // 2 else limit


def _continues_cluster(ch: str) -> bool:
    return (
        ch in "\u200d\ufe0e\ufe0f\u20e3"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or unicodedata.category(ch) == "Mn"
    )


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith(("P", "S"))


def check_titles(result: TitleResult, platform: Platform, max_length: int | None = None) -> list[str]:
    """Limit violations of a title result (empty when it is publishable)."""
    limit = title_limit(platform, max_length)
    problems = [f"candidates[{i}] is empty" for i, c in enumerate(result.candidates) if not c.text.strip()]
    problems += [
        f"candidates[{i}] has {len(c.text)} characters, limit {limit}"
        for i, c in enumerate(result.candidates)
        if len(c.text) > limit
    ]
    texts = [c.text for c in result.candidates]
    if len(set(texts)) != len(texts):
        problems.append("candidates are not distinct")
    return problems


def check_post(post: PlatformCopy | ImagePostDraft) -> list[str]:
    """Limit violations of a copy or image post against its platform's rules."""
    rules = rules_for(post.platform)
    problems: list[str] = []
    if not post.title.strip() or len(post.title) > rules.title_max:
        problems.append(f"title has {len(post.title)} characters, limit 1..{rules.title_max}")
    if not post.body.strip() or len(post.body) > rules.body_max:
        problems.append(f"body has {len(post.body)} characters, limit 1..{rules.body_max}")
    if len(post.hashtags) > rules.hashtag_max:
        problems.append(f"{len(post.hashtags)} hashtags, limit {rules.hashtag_max}")
    bad = [tag for tag in post.hashtags if tag != format_hashtag(tag, post.platform)]
    if bad:
        problems.append(f"hashtags not in {rules.hashtag_style} style: {bad}")
    if isinstance(post, ImagePostDraft) and len(post.images) > rules.image_max:
        problems.append(f"{len(post.images)} images, limit {rules.image_max}")
    return problems


def check_script(script: VideoScript, target_seconds: float) -> list[str]:
    """Structural problems of a video script: numbering, hook length and total duration."""
    problems: list[str] = []
    if [shot.index for shot in script.shots] != list(range(1, len(script.shots) + 1)):
        problems.append("shot indexes are not 1..n")
    total = sum(shot.duration_seconds for shot in script.shots)
    if abs(total - target_seconds) > SCRIPT_DURATION_TOLERANCE_SECONDS:
        problems.append(f"shots last {total:.1f}s, target {target_seconds}s")
    if abs(total - script.total_duration_seconds) > SCRIPT_DURATION_TOLERANCE_SECONDS:
        problems.append("total_duration_seconds does not match the shots")
    return problems
