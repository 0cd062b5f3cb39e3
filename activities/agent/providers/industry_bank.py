"""The industry phrase banks (data/industries/*.toml): which one a brief is about, and its points for the topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from activities.agent.datafiles import load

INDUSTRY_FILES = ("beauty", "food", "baby", "home", "fashion", "local", "education", "digital")
GENERAL = "general"
BRAND_HINT_WEIGHT = 3


@dataclass(frozen=True)
class Bank:
    """What the writer says about one brief's industry, the named topic's aspects and lines first."""

    name: str
    topic_points: int
    aspects: list[str]
    points: list[str]
    mistakes: list[str]
    product_points: list[dict[str, str]]


def bank_for(topic: str, product: str = "", industry_hint: str = "") -> Bank:
    """The bank whose trigger words the brief carries most (a brand's industry counts extra).

    A named topic's lines are chosen by the topic and keywords alone: a product's name says what is sold,
    not what the post is about.
    """
    text = f"{topic} {product}"
    scored = [(_score(load(_path(f)), text, industry_hint), f) for f in INDUSTRY_FILES]
    best_score, best = max(scored, key=lambda pair: pair[0])
    data = load(_path(best if best_score > 0 else GENERAL))
    topics = [t for t in data.get("topic", []) if any(word in topic for word in t["match"])]
    return Bank(
        name=data["name"],
        topic_points=len(_unique([p for t in topics for p in t["points"]])),
        aspects=_unique([a for t in topics for a in t.get("aspects", [])] + data["aspects"]),
        points=_unique([p for t in topics for p in t["points"]] + data["points"]),
        mistakes=_unique([m for t in topics for m in t.get("mistakes", [])] + data["mistakes"]),
        product_points=list(data["product_points"]),
    )


def _score(data: dict[str, Any], text: str, hint: str) -> int:
    """Longer trigger words weigh more, so 笔记本电脑 beats the 学 of 大学生."""
    score = sum(len(word) for word in data["triggers"] if word in text)
    if hint and (hint in data["name"] or any(part in hint for part in data["name"].split("/"))):
        score += BRAND_HINT_WEIGHT
    return score


def _path(name: str) -> str:
    return f"industries/{name}"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
