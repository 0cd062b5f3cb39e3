"""agent-center's viral replication: variants that keep a hit's hook and change the rest.

What "worked" is read off the source: the title formula it follows (matched against the same formula data
the title generator writes from), the title's length and the body's shape. Titles are written from that
formula's other patterns; bodies come from the configured provider in a different tone each, cut to the
source's length. Near-duplicates of the account's recent texts (character-bigram Jaccard) are refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any, TypeVar

from activities.agent.datafiles import load
from activities.agent.failures import to_application_error
from activities.agent.providers.base import GenerationProvider, ProviderError
from activities.agent.providers.writer import Writer, core_subject
from activities.agent.rules import check_post, check_script, trim_text
from douflow.platforms import title_limit
from models.generation import (
    Brief,
    CopyRequest,
    ImagePostDraft,
    ImagePostRequest,
    PlatformCopy,
    TitleCandidate,
    VideoScriptRequest,
)
from models.replication import HookPattern, RejectedVariant, Variant, VariantRequest, VariantResult

# One tone per variant, so bodies differ in voice while the hook stays (match words of phrases.toml).
VARIANT_TONES = ("专业", "亲切", "犀利", "幽默", "激情")
# ...and, once the tones are used up, another audience: the same request would give the same body.
VARIANT_AUDIENCES: tuple[str | None, ...] = (None, "上班族", "学生党", "新手")
TITLE_DRAWS = 8
MAX_BODY_ATTEMPTS = 12
MAX_REPORTED = 20
LENGTH_TOLERANCE = 0.3
FALLBACK_FORMULA = "keyword"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
P = TypeVar("P", PlatformCopy, ImagePostDraft)


class VariantWriter:
    """Writes a hit's variants with the configured provider (agent-center's `generate_variants`)."""

    def __init__(self, provider: GenerationProvider) -> None:
        self._provider = provider

    async def variants(self, req: VariantRequest) -> VariantResult:
        """Up to `count` variants; fewer, with the reasons, when every attempt repeated something."""
        formula, subject = match_formula(req.source_title)
        subject = subject or core_subject(Brief(topic=_topic(req)))
        # Titles must differ from the source, the recent texts and each other; whole texts from the
        # recent ones (variants of one topic share the topic's vocabulary by design).
        recent = [req.source_title, *req.avoid_texts]
        avoid = list(recent)
        titles = iter(variant_titles(req.source_title, formula, subject))
        variants: list[Variant] = []
        rejected: list[RejectedVariant] = []
        for attempt in range(MAX_BODY_ATTEMPTS):
            if len(variants) == req.count:
                break
            picked = _next_title(titles, avoid, req.similarity_threshold, rejected)
            if picked is None:
                break
            title, title_formula = picked
            try:
                body, problems = await self._body(req, title, title_formula, attempt)
            except ProviderError as exc:
                raise to_application_error(exc) from exc
            text = f"{title}\n{body_text(body)}"
            if problems:
                rejected.append(RejectedVariant(title=title, reason="; ".join(problems)))
            elif (score := most_similar(text, recent)) >= req.similarity_threshold:
                rejected.append(RejectedVariant(title=title, reason=f"near-duplicate text ({score:.2f})"))
            else:
                variants.append(Variant(title=title, formula=title_formula, kind=req.kind, body=body))
            avoid.append(title)
        return VariantResult(hook=_hook(formula, req), variants=variants, rejected=rejected[:MAX_REPORTED])

    async def _body(
        self, req: VariantRequest, title: str, formula: str, index: int
    ) -> tuple[dict[str, Any], list[str]]:
        """The variant's body in the source's kind and shape; problems are the platform limits it breaks."""
        topic, tone = _topic(req), VARIANT_TONES[index % len(VARIANT_TONES)]
        audience = VARIANT_AUDIENCES[index // len(VARIANT_TONES) % len(VARIANT_AUDIENCES)]
        if req.kind == "titles":
            candidate = TitleCandidate(text=title, formula=formula, length=len(title))
            return {"candidates": [candidate.model_dump()]}, []
        if req.kind == "video_script":
            script = await self._provider.video_script(_script_request(req, topic, tone, audience))
            script = script.model_copy(update={"title": title})
            return script.model_dump(), check_script(script, script.total_duration_seconds)
        if req.kind == "copywriting":
            copy = await self._provider.platform_copy(
                CopyRequest(topic=topic, tone=tone, audience=audience, platform="douyin")
            )
            copy = _shaped(copy, title, req.body.get("copies", [{}])[0].get("body", ""))
            return {"copies": [copy.model_dump()]}, check_post(copy)
        images = len(req.body.get("images") or []) or 3
        post = await self._provider.image_post(
            ImagePostRequest(topic=topic, tone=tone, audience=audience, image_count=min(max(images, 1), 9))
        )
        old_title = post.title
        post = _shaped(post, title, str(req.body.get("body", "")))
        if post.images:
            cover = post.images[0]
            post.images[0] = cover.model_copy(
                update={"description": cover.description.replace(old_title, title)}
            )
        return post.model_dump(), check_post(post)


def _next_title(
    titles: Iterator[tuple[str, str]], avoid: list[str], threshold: float, rejected: list[RejectedVariant]
) -> tuple[str, str] | None:
    """The next candidate title that repeats nothing said before."""
    for title, formula in titles:
        score = most_similar(title, avoid)
        if score < threshold:
            return title, formula
        rejected.append(RejectedVariant(title=title, reason=f"near-duplicate title ({score:.2f})"))
    return None


def _topic(req: VariantRequest) -> str:
    topic = req.topic.strip() or req.source_title.strip()
    return topic if len(topic) >= 2 else f"{topic}分享"


def _hook(formula: str, req: VariantRequest) -> HookPattern:
    text = body_text(req.body) if req.kind != "titles" else ""
    return HookPattern(
        formula=formula,
        title_length=len(req.source_title),
        body_lines=len([line for line in text.splitlines() if line.strip()]),
        body_length=len(text),
    )


def _script_request(req: VariantRequest, topic: str, tone: str, audience: str | None) -> VideoScriptRequest:
    """The source's script type and duration, so the variant has the same shape (shots, pace)."""
    script_type = req.body.get("script_type", "talking_head")
    duration = round(float(req.body.get("total_duration_seconds") or 60))
    return VideoScriptRequest(
        topic=topic,
        tone=tone,
        audience=audience,
        script_type=script_type
        if script_type in ("product_seeding", "talking_head", "story", "tutorial")
        else "talking_head",
        duration_seconds=min(max(duration, 10), 600),
    )


def _shaped(post: P, title: str, source_body: str) -> P:
    """The variant title, and a body no longer than the source's by more than the tolerance."""
    body = post.body
    if source_body:
        body = trim_text(body, max(int(len(source_body) * (1 + LENGTH_TOLERANCE)), 40))
    return post.model_copy(update={"title": title, "body": body})


# -- hook analysis --------------------------------------------------------------------------------------


@cache
def _formula_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every title pattern as a regex: {subject} captured, numbers as digits, other slots as free text."""
    compiled: list[tuple[str, re.Pattern[str]]] = []
    for formula in load("titles")["formula"]:
        for pattern in formula["patterns"]:
            regex, seen_subject = "", False
            for index, part in enumerate(_PLACEHOLDER.split(pattern)):
                if index % 2 == 0:
                    regex += re.escape(part)
                elif part == "subject" and not seen_subject:
                    regex += "(?P<subject>.{2,20}?)"
                    seen_subject = True
                elif part in ("n", "k"):
                    regex += r"\d{1,3}"
                else:
                    regex += ".{1,20}?"
            compiled.append((formula["id"], re.compile(f"^{regex}$")))
    return compiled


def match_formula(title: str) -> tuple[str, str | None]:
    """The formula a title follows and the subject it was written about, when the data knows it."""
    text = title.split("#")[0].strip()
    for formula_id, regex in _formula_patterns():
        found = regex.match(text)
        if found:
            return formula_id, found.groupdict().get("subject")
    return _guess_formula(text), None


def _guess_formula(text: str) -> str:
    """For titles written by hand: the formula whose telltale marks the title carries."""
    if re.search(r"[？?]", text):
        return "question"
    if re.match(r"^\d|^[一二三四五六七八九十]+[个条招件]", text):
        return "number"
    if re.search(r"vs|VS|还是|差距|差在", text):
        return "contrast"
    if re.search(r"别再|总是|踩坑|发愁", text):
        return "pain_point"
    if re.search(r"原来|真相|很少有人|忽略", text):
        return "suspense"
    return FALLBACK_FORMULA


def variant_titles(source_title: str, formula: str, subject: str) -> list[tuple[str, str]]:
    """Candidate titles of the same formula about the same subject, closest to the source's length first.

    Other formulas follow only as a last resort, so a formula with few patterns still yields variants.
    """
    limit = title_limit("douyin")
    formulas = {f["id"]: f for f in load("titles")["formula"]}
    same = _fill(formulas[formula]["patterns"] if formula in formulas else [], formula, subject, source_title)
    others = [
        title
        for other_id, data in formulas.items()
        if other_id != formula
        for title in _fill(data["patterns"], other_id, subject, source_title)
    ]
    target = len(source_title)
    tolerance = max(int(target * LENGTH_TOLERANCE), 3)

    def rank(candidate: tuple[str, str]) -> tuple[int, int]:
        return (abs(len(candidate[0]) - target) > tolerance, abs(len(candidate[0]) - target))

    fitting = [t for t in dict.fromkeys(same + others) if len(t[0]) <= limit and t[0] != source_title]
    in_formula = sorted((t for t in fitting if t[1] == formula), key=rank)
    return in_formula + sorted((t for t in fitting if t[1] != formula), key=rank)


def _fill(patterns: list[str], formula: str, subject: str, source_title: str) -> list[tuple[str, str]]:
    filled: list[tuple[str, str]] = []
    for draw in range(TITLE_DRAWS):
        writer = Writer(
            Brief(topic=subject if len(subject) >= 2 else f"{subject}分享"), f"variant:{source_title}:{draw}"
        )
        for pattern in writer.shuffled([p for p in patterns if "{kw}" not in p]):
            filled.append((writer.fill(pattern, subject=subject), formula))
    return filled


# -- near-duplicates ------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    """Letters and digits only: punctuation, emoji and spacing do not make a text new."""
    return "".join(ch for ch in text.lower() if unicodedata.category(ch)[0] in "LN")


def bigrams(text: str) -> set[str]:
    normal = _normal(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)} or ({normal} if normal else set())


def jaccard(a: str, b: str) -> float:
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def most_similar(text: str, others: list[str]) -> float:
    return max((jaccard(text, other) for other in others), default=0.0)


def body_text(body: dict[str, Any]) -> str:
    """The readable text of a body of any kind (titles, copy, post, script), for length and duplicates."""
    parts: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str) and key not in (
            "platform",
            "formula",
            "script_type",
            "shot_size",
            "camera_movement",
        ):
            parts.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("request", "images"):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)

    walk(body)
    return "\n".join(p for p in parts if p.strip())
