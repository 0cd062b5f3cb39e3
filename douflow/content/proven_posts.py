"""An account's proven posts: the ones that outplayed its median, and the hook patterns their titles follow.

Plays are the account's own yardstick: a post is proven when its plays reach `PROVEN_RATIO` times the
median of the account's posts, so a small account learns from its own hits as a large one does.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.hook_patterns import hook_pattern
from douflow.db.metrics_tables import DouyinItem
from models.proven import HookPattern, ProvenPattern, ProvenPatterns, ProvenPost

# Twice the median: rare enough that a post stands out from the account's ordinary ones, common enough
# that an account of a few dozen posts has some (the viral rule's 3x marks the far rarer hits).
PROVEN_RATIO = 2.0
# Below five posts the median is one or two posts, and "above it" says nothing about what works.
MIN_POSTS = 5
# A prompt or a candidate list can follow a few patterns well; more dilutes what was learnt.
MAX_PATTERNS = 3


@dataclass(frozen=True)
class PostPlays:
    item_id: str
    title: str
    plays: int
    content_id: str | None


async def account_posts(session: AsyncSession, tenant_id: str, account_id: str) -> list[PostPlays]:
    """Every synced post of the account with its latest plays."""
    rows = await session.scalars(
        select(DouyinItem).where(DouyinItem.tenant_id == tenant_id, DouyinItem.account_id == account_id)
    )
    return [PostPlays(r.item_id, r.title, int(r.play_count or 0), r.content_id) for r in rows]


def proven_patterns(account_id: str, posts: Sequence[PostPlays]) -> ProvenPatterns:
    """The best post of each pattern among the proven ones, highest ratio first, at most MAX_PATTERNS."""
    if len(posts) < MIN_POSTS:
        return ProvenPatterns(
            account_id=account_id, posts=len(posts), median_plays=None, note=_too_few(posts)
        )
    median = float(statistics.median(p.plays for p in posts))
    best: dict[HookPattern, ProvenPost] = {}
    for post in sorted(posts, key=lambda p: (-p.plays, p.item_id)):
        pattern = hook_pattern(post.title)
        if median <= 0 or post.plays < median * PROVEN_RATIO:
            break
        if pattern is not None and pattern not in best:
            best[pattern] = _evidence(post, median)
    found = [ProvenPattern(pattern=k, evidence=v) for k, v in list(best.items())[:MAX_PATTERNS]]
    return ProvenPatterns(
        account_id=account_id,
        posts=len(posts),
        median_plays=median,
        patterns=found,
        note=_found(found, median),
    )


def _evidence(post: PostPlays, median: float) -> ProvenPost:
    return ProvenPost(
        item_id=post.item_id,
        title=post.title,
        plays=post.plays,
        ratio=round(post.plays / median, 2),
        content_id=post.content_id,
    )


def _too_few(posts: Sequence[PostPlays]) -> str:
    if not posts:
        return "no metrics history for this account: no proven patterns found"
    return f"{len(posts)} posts synced, {MIN_POSTS} needed for a median: no proven patterns found"


def _found(found: list[ProvenPattern], median: float) -> str:
    if not found:
        return (
            f"no post with {PROVEN_RATIO:g}x the median plays ({median:g}) has a recognised hook: "
            "no proven patterns found"
        )
    return f"{len(found)} proven patterns from posts with {PROVEN_RATIO:g}x the median plays ({median:g}) or more"
