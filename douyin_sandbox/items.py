"""Published items: lazy review settlement and statistics that grow as a pure function of age.

Nothing runs on a timer: reading an item settles its review and computes its numbers, so a restart or a
paused process never loses a transition and two reads at the same instant agree. "Now" is the sandbox
clock's (clock.py), so a frozen clock freezes every number and an advanced one grows them.

An item's growth (its `Growth`: reach, take-off, boost, time constant) follows from its seed, which comes
from its random id, unless a test pinned some of it (`Item.profile`, admin `POST item/profile`): that is
how a test builds exactly the hits and misses it needs.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from typing import Any

from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.store import Item

STATUS_PUBLIC = 5
STATUS_REJECTED = 2
STATUS_REVIEWING = 4
STAT_FIELDS = ("play_count", "digg_count", "comment_count", "share_count", "download_count", "forward_count")


def seed_for(item_id: str) -> int:
    return int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big")


def banned_word_in(text: str, words: list[str]) -> str | None:
    return next((word for word in words if word and word in text), None)


def settle(item: Item, now: float, config: SandboxConfig) -> bool:
    """Finish the review if its time has come; returns whether the item changed."""
    if item.is_reviewed or now < item.review_at:
        return False
    item.is_reviewed = True
    if word := banned_word_in(item.text, config.banned_words):
        item.video_status = STATUS_REJECTED
        item.reject_reason = f"内容包含违规词「{word}」，审核不通过"
    else:
        item.video_status = STATUS_PUBLIC
        item.share_url = f"https://www.iesdouyin.com/share/video/{item.video_id}/"
    return True


def takes_off(seed: int) -> bool:
    """About one item in eight catches the algorithm's eye."""
    return (seed >> 8) % 8 == 0


@dataclass(frozen=True)
class Growth:
    reach: int
    takes_off: bool
    boost: int
    tau: float

    @property
    def audience(self) -> int:
        """The plays the item saturates towards (before the slow long tail)."""
        return self.reach * (self.boost if self.takes_off else 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"audience": self.audience}


def growth_of(item: Item) -> Growth:
    """The item's pinned profile where set, its seed's otherwise."""
    seed, pinned = item.seed, item.profile
    return Growth(
        reach=pinned.reach if pinned.reach is not None else 300 + seed % 4700,
        takes_off=pinned.takes_off if pinned.takes_off is not None else takes_off(seed),
        boost=pinned.boost if pinned.boost is not None else 4 + (seed >> 12) % 5,
        tau=pinned.tau if pinned.tau is not None else 1800 + (seed >> 16) % 5400,
    )


def statistics(item: Item, now: float, time_scale: float) -> dict[str, int]:
    """Saturating growth after going public; deterministic per item growth and (scaled) age."""
    if item.video_status != STATUS_PUBLIC:
        return dict.fromkeys(STAT_FIELDS, 0)
    seed, growth = item.seed, growth_of(item)
    age = max(0.0, now - item.review_at) * time_scale
    reach, tau = growth.audience, growth.tau
    plays = reach * (1 - math.exp(-age / tau)) + reach * 0.05 * math.log1p(age / tau)
    digg_rate = 0.03 + ((seed >> 20) % 50) / 1000
    shares = plays * (0.003 + ((seed >> 28) % 5) / 1000)
    return {
        "play_count": int(plays),
        "digg_count": int(plays * digg_rate),
        "comment_count": int(plays * digg_rate * 0.12),
        "share_count": int(shares),
        "download_count": int(plays * 0.0015),
        "forward_count": int(shares * 0.6),
    }


def render(item: Item, now: float, config: SandboxConfig) -> dict[str, Any]:
    """The element shape shared by video_list and video_data."""
    stats: dict[str, Any] = statistics(item, now, config.time_scale)
    create_time: int | str = int(item.created_at)
    if config.numbers_as_strings:
        # The platform is inconsistent here; a client that only copes with ints should fail in tests.
        if item.seed % 2 == 0:
            stats["play_count"] = str(stats["play_count"])
            stats["download_count"] = str(stats["download_count"])
        if item.seed % 3 == 0:
            create_time = str(create_time)
    cover_key = hashlib.sha1(item.item_id.encode()).hexdigest()
    return {
        "item_id": item.item_id,
        "video_id": item.video_id,
        "title": item.text,
        "cover": f"https://p3-sign.douyinpic.com/obj/tos-cn-p-0015/{cover_key}~tplv-dy-360p.jpeg",
        "create_time": create_time,
        "is_top": False,
        "is_reviewed": item.is_reviewed,
        "video_status": item.video_status,
        "media_type": item.media_type,
        "share_url": item.share_url,
        "statistics": stats,
    }
