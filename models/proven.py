"""Proven hook patterns (seed 1): what an account's own top posts teach its next titles."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# The structures a Chinese short-video title hooks with; douflow/content/hook_patterns.py says how each is
# recognised, activities/agent/data/hooks.toml how each is written for a new topic.
HookPattern = Literal[
    "contrast",
    "first_person_result",
    "must_see",
    "question",
    "time_price_anchor",
    "number_list",
]


class ProvenQuery(BaseModel):
    tenant_id: str
    account_id: str


class ProvenPost(BaseModel):
    """The evidence of a pattern: one of the account's posts that outplayed its median."""

    item_id: str
    title: str
    plays: int
    ratio: float = Field(description="plays divided by the account's median plays")
    content_id: str | None = Field(default=None, description="our content, when we published the post")


class ProvenPattern(BaseModel):
    pattern: HookPattern
    evidence: ProvenPost


class ProvenPatterns(BaseModel):
    """The patterns the account's top posts follow, best first; empty when its history shows none."""

    account_id: str
    posts: int = Field(description="posts of the account with synced metrics")
    median_plays: float | None = Field(description="None while the account has too few posts")
    patterns: list[ProvenPattern] = Field(default_factory=list)
    note: str = Field(description="what was found, or why no proven pattern was")
