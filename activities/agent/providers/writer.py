"""Per-request text kit of the template provider: a seeded RNG and placeholder values drawn from a brief."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from activities.agent.datafiles import load
from activities.agent.providers.industry_bank import bank_for
from activities.agent.rules import trim_text
from models.brands import BrandContext
from models.generation import Brief, VideoScriptRequest, brand_of

T = TypeVar("T")

SUBJECT_MAX = 12
DEFAULT_POINTS = 5
LABEL_MAX = 8
_CLAUSE_SPLIT = re.compile(r"[，,。！!？?；;：:|｜、\s]+")


def seed_of(brief: Brief, salt: str) -> int:
    """A stable seed from the whole request, so the same input always gives the same text."""
    digest = hashlib.sha256(f"{salt}\n{_seed_text(brief)}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _seed_text(brief: Brief) -> str:
    """The request's JSON as it read before briefs could name a brand or product, when they name none,
    so a request without them writes the same text as before. An account and its proven patterns write
    candidates of their own and leave the others as they were."""
    data = brief.model_dump(mode="json", exclude={"account_id", "proven"})
    for name in ("brand_id", "brand"):
        if data.get(name) is None:
            data.pop(name, None)
    product = data.pop("product", None)
    if product is not None or isinstance(brief, VideoScriptRequest):
        data["product"] = product  # video scripts named their product, last, from the start
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def core_subject(brief: Brief) -> str:
    """The short core of the topic that fits into titles: the topic, its first clause or a keyword."""
    topic = _noun_phrase(brief.topic.strip().rstrip("？?！!。."))
    if len(topic) <= SUBJECT_MAX:
        return topic
    first = _CLAUSE_SPLIT.split(topic)[0]
    if 2 <= len(first) <= SUBJECT_MAX:
        return first
    if brief.keywords:
        return brief.keywords[0]
    return trim_text(topic, SUBJECT_MAX)


def _noun_phrase(topic: str) -> str:
    """Drop question words and genre suffixes, so the subject reads well inside title formulas."""
    phrases = load("phrases")
    for word in phrases["subject_question_words"]:
        before, found, after = topic.partition(word)
        if found:
            topic = after if len(after) >= 3 else before
            break
    for suffix in phrases["subject_suffixes"]:
        if topic.endswith(suffix) and len(topic) - len(suffix) >= 2:
            return topic[: -len(suffix)]
    return topic or "这件事"


def tone_profile(tone: str | None) -> dict[str, Any]:
    """The tone profile whose match words occur in the operator's tone; `plain` when none is given."""
    profiles: dict[str, dict[str, Any]] = load("phrases")["tone"]
    if not tone:
        return profiles["plain"]
    for profile in profiles.values():
        if any(word in tone for word in profile["match"]):
            return profile
    return profiles["friendly"]


def audience_note(audience: str | None) -> str:
    """A sentence addressed to the audience, or nothing when the brief names none."""
    if not audience:
        return ""
    profiles: dict[str, dict[str, Any]] = load("phrases")["audience"]
    for profile in profiles.values():
        if any(word in audience for word in profile["match"]):
            return str(profile["note"]).format(audience=audience)
    return str(profiles["other"]["note"]).format(audience=audience)


def _label(point: str) -> str:
    """A point's first clause as a short on-screen label."""
    return trim_text(_CLAUSE_SPLIT.split(point)[0], LABEL_MAX)


def _first(values: Sequence[str]) -> str | None:
    return values[0] if values else None


class _Values(dict[str, str]):
    """Placeholder values; a missing name is a data-file error and must fail loudly."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"unknown placeholder {{{key}}} in an agent data file")


def selling_lines(brand: BrandContext) -> list[str]:
    """The brand's selling points and proof, which lead the tips a post or script walks through."""
    product = brand.product
    points = [*product.selling_points, *product.proof] if product else []
    return points + brand.profile.proof


class Writer:
    """Draws every choice from one seeded RNG and fills data-file templates with the brief's own facts.

    `points` is how many points the text will list, so a number in its title is the body's count.
    """

    def __init__(self, brief: Brief, salt: str, points: int = DEFAULT_POINTS) -> None:
        self.rng = random.Random(seed_of(brief, salt))
        phrases = load("phrases")
        self.brand = brand_of(brief)
        profile = self.brand.profile if self.brand else None
        tone = tone_profile(brief.tone or (profile.tone if profile else None))
        self.subject = core_subject(brief)
        self.product_name = self._product_name(brief)
        self.keywords = list(brief.keywords)
        self.audience = brief.audience or _first(profile.audiences if profile else [])
        self.bank = bank_for(
            " ".join([brief.topic, *brief.keywords]),
            self.product_name or "",
            profile.industry if profile else "",
        )
        self.aspects = list(self.bank.aspects)
        self.values = _Values(
            subject=self.subject,
            topic=brief.topic,
            audience=self.audience or phrases["default_audience"],
            audience_note=audience_note(self.audience),
            audience_line=f"{audience_note(self.audience)}。" if self.audience else "",
            product=self.product_name or self.subject,
            kws="、".join(self.keywords),
            kw=self.keywords[0] if self.keywords else self.subject,
            n=str(points),
            k=str(self.rng.randint(2, max(points, 2))),
            benefit=self.pick(phrases["benefits"]),
            pain=self.pick(phrases["pains"]),
            aspect=self.aspects[0],
            aspect2=self.aspects[1],
            aspect3=self.aspects[2],
            interj=self.pick(tone["interj"]),
            ending=self.pick(tone["ending"]),
        )
        self.steps = [self.fill(p) for p in self.bank.points]
        self.tips = self._rotated(self.steps, self.bank.topic_points)
        self.mistakes = [self.fill(m) for m in self.bank.mistakes]
        self.values["closing"] = self.fill(self.pick(phrases["closings"]))
        self.values["cta"] = self.fill(self.pick(phrases["ctas"]))
        if profile and profile.call_to_action:
            self.values["cta"] = profile.call_to_action

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def shuffled(self, options: Sequence[T]) -> list[T]:
        return self.rng.sample(list(options), len(options))

    def fill(self, template: str, **extra: str) -> str:
        """Fill a template; `extra` overrides the request-wide values for this one use."""
        values = _Values(self.values)
        values.update(extra)
        return template.format_map(values)

    def product_points(self) -> list[tuple[str, str]]:
        """(label, line) pairs a product script walks through: the brand's selling points, then the bank's.

        With no product named, the bank's product lines would praise a product nobody named, so the
        script walks the topic's own points instead, each labelled by its first clause.
        """
        if self.product_name is None:
            return [(_label(tip), tip) for tip in self.tips]
        points: list[tuple[str, str]] = []
        if self.brand is not None:
            points += [(trim_text(p, LABEL_MAX), p) for p in selling_lines(self.brand)]
        points += [(p["label"], self.fill(p["line"])) for p in self.bank.product_points]
        return points

    def _rotated(self, points: list[str], lead: int) -> list[str]:
        """The topic's own points from a seeded place, so two texts on one topic open differently while
        the topic's points still lead; a topic the bank does not name keeps the category's order."""
        if lead == 0:
            return points
        start = self.rng.randrange(lead)
        return points[start:lead] + points[:start] + points[lead:]

    def _product_name(self, brief: Brief) -> str | None:
        if self.brand is not None and self.brand.product is not None:
            return self.brand.product.name
        return brief.product
