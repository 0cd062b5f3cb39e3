"""Live events: the changes a console shows as they happen, appended to `live_events` by the write that made them.

Writers call `record` inside their own transaction (one insert, committed or rolled back with the change), so
the stream never announces what did not happen. The BFF tails the table (`api/gateway_bff/live_hub.py`).
Payloads carry ids, states and times only: never message text, tokens or contact details.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.live_tables import LiveEvent
from douflow.security.tokens import ROLES, Role

LiveKind = Literal["message", "conversation", "publish", "task_due", "task_overdue"]
LIVE_KINDS: tuple[LiveKind, ...] = ("message", "conversation", "publish", "task_due", "task_overdue")

# Who sees each kind: conversations are worked by agents, operators and admins; every role reads publishes;
# a task's reminders go to its owner (see `visible_to`) and to admins.
_CONVERSATION_ROLES: frozenset[Role] = frozenset({"admin", "operator", "agent"})
AUDIENCE: dict[str, frozenset[Role]] = {
    "message": _CONVERSATION_ROLES,
    "conversation": _CONVERSATION_ROLES,
    "publish": frozenset(ROLES),
    "task_due": frozenset({"admin"}),
    "task_overdue": frozenset({"admin"}),
}
_FOR_THEIR_USER: frozenset[str] = frozenset({"task_due", "task_overdue"})


@dataclass(frozen=True, slots=True)
class Happened:
    """An event as read back, detached from the session that read it."""

    id: int
    tenant_id: str
    kind: str
    subject_id: str
    user_id: str | None
    payload: dict[str, Any]
    created_at: datetime


def _plain(row: LiveEvent) -> Happened:
    return Happened(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,
        subject_id=row.subject_id,
        user_id=row.user_id,
        payload=dict(row.payload),
        created_at=row.created_at,
    )


def record(
    session: AsyncSession,
    tenant_id: str,
    kind: LiveKind,
    subject_id: str,
    payload: dict[str, Any],
    *,
    user_id: str | None = None,
    at: datetime | None = None,
) -> None:
    """Adds one event to the caller's transaction; it is written with the caller's next flush or commit."""
    event = LiveEvent(tenant_id=tenant_id, kind=kind, subject_id=subject_id, user_id=user_id, payload=payload)
    if at is not None:
        event.created_at = at
    session.add(event)


def visible_to(event: Happened, role: Role, user_id: str) -> bool:
    """Whether a user of the event's tenant may see it (the caller has checked the tenant)."""
    if role in AUDIENCE.get(event.kind, frozenset()):
        return True
    return event.kind in _FOR_THEIR_USER and event.user_id is not None and event.user_id == user_id


async def tenant_events(session: AsyncSession, tenant_id: str, after: int, limit: int) -> list[Happened]:
    """The tenant's events after id `after`, oldest first: what a resumed stream missed."""
    rows = await session.scalars(
        select(LiveEvent)
        .where(LiveEvent.tenant_id == tenant_id, LiveEvent.id > after)
        .order_by(LiveEvent.id)
        .limit(limit)
    )
    return [_plain(row) for row in rows.all()]


async def newest_id(session: AsyncSession) -> int:
    """The highest event id written so far (0 when there is none): where a fresh tail starts."""
    found = await session.scalar(select(func.max(LiveEvent.id)))
    return int(found or 0)


async def tail(session: AsyncSession, after: int, missing: Sequence[int], limit: int) -> list[Happened]:
    """Every tenant's events after `after`, plus those of `missing` (ids skipped by transactions still open when
    the tail passed them), oldest first."""
    newer = LiveEvent.id > after
    rows = await session.scalars(
        select(LiveEvent)
        .where(or_(newer, LiveEvent.id.in_(missing)) if missing else newer)
        .order_by(LiveEvent.id)
        .limit(limit)
    )
    return [_plain(row) for row in rows.all()]


async def prune(session: AsyncSession, before: datetime, limit: int = 5000) -> int:
    """Removes up to `limit` of the events written before `before` (the retention), oldest first, so one call
    never holds the table long; a stream resumed from older ids misses them."""
    oldest = select(LiveEvent.id).where(LiveEvent.created_at < before).order_by(LiveEvent.id).limit(limit)
    result = await session.execute(delete(LiveEvent).where(LiveEvent.id.in_(oldest.scalar_subquery())))
    return int(getattr(result, "rowcount", 0) or 0)
