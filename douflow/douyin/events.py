"""What identifies a Douyin webhook event and when it was sent, read from its signed body.

The signature covers the body only, so a captured delivery can come back under any `Msg-Id`; its body
cannot change, which is what recognises it. The platform stamps every push with its own `log_id`, whose
first 14 digits are the send time in Beijing time (the documented `202008121419360101…` came with
`now` 1597213176, 06:19:36 UTC), so two genuine events never share a body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
LOG_ID_STAMP = 14
# Timestamps some events carry in `content`: IM `create_time` (ms), digg and follow `action_time` (s).
CONTENT_TIMES = ("create_time", "action_time", "msg_time")
# Above this an epoch number is in milliseconds: as seconds it would be past the year 5000.
MILLIS_FROM = 100_000_000_000


def identity(payload: Mapping[str, Any]) -> str:
    """A digest of every field of the event (content decoded), independent of key order and spacing."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sent_at(payload: Mapping[str, Any]) -> datetime | None:
    """When the platform sent the event: its `log_id` stamp, else the newest timestamp in its content."""
    stamped = log_id_time(payload.get("log_id"))
    if stamped is not None:
        return stamped
    content = payload.get("content")
    if not isinstance(content, Mapping):
        return None
    times = [t for t in (epoch_time(content.get(name)) for name in CONTENT_TIMES) if t is not None]
    return max(times, default=None)


def log_id_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value[:LOG_ID_STAMP].isdigit() or len(value) < LOG_ID_STAMP:
        return None
    try:
        return datetime.strptime(value[:LOG_ID_STAMP], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None


def epoch_time(value: object) -> datetime | None:
    """Seconds or milliseconds since the epoch; the platform sends either, sometimes as strings."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
        if number >= MILLIS_FROM:
            number /= 1000
        return datetime.fromtimestamp(number, UTC)
    except (ValueError, OverflowError, OSError):
        return None
