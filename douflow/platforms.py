"""Each platform's rules (limits in characters, hashtag style), from data/platforms.toml.

Shared by generation (agent-center writes within them) and publishing (content-center checks a post
against Douyin's before it is sent).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from models.generation import PLATFORMS, Platform

HashtagStyle = Literal["single", "double", "none"]
RULES_FILE = Path(__file__).parent / "data" / "platforms.toml"


class PlatformRules(BaseModel):
    """What one platform accepts; limits are in characters."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    display_name: str
    title_max: int
    body_max: int
    hashtag_style: HashtagStyle
    hashtag_min: int
    hashtag_max: int
    image_max: int
    emoji: bool
    tone: str
    generic_tags: tuple[str, ...]
    notes: tuple[str, ...]


@cache
def rules_for(platform: Platform) -> PlatformRules:
    """The rules of one platform."""
    return PlatformRules.model_validate({"platform": platform, **_table()[platform]})


def all_rules() -> dict[Platform, PlatformRules]:
    """Every platform's rules, for prompts and API documentation."""
    return {platform: rules_for(platform) for platform in PLATFORMS}


def title_limit(platform: Platform, max_length: int | None = None) -> int:
    """The tighter of the platform's title limit and the operator's own limit."""
    limit = rules_for(platform).title_max
    return min(limit, max_length) if max_length else limit


@cache
def _table() -> dict[str, dict[str, object]]:
    """The parsed file; cached because it is immutable at runtime."""
    with RULES_FILE.open("rb") as handle:
        return tomllib.load(handle)
