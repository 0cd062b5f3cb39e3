"""Calendar fixtures: entries planned straight onto their schedules, and reading runs back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from douflow.db.base import utcnow
from douflow.db.calendar_tables import CalendarEntry, CalendarRun
from douflow.settings import Settings
from douflow.temporal import ids
from douflow.temporal.schedules import calendar as schedules


def next_second(ahead: float) -> datetime:
    """A whole second at least `ahead` seconds from now (schedules fire on whole seconds)."""
    moment = utcnow() + timedelta(seconds=ahead)
    return moment.replace(microsecond=0) + timedelta(seconds=1)


async def plan(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    settings: Settings,
    *,
    tenant_id: str,
    user_id: str,
    content_id: str,
    account_id: str,
    run_at: datetime | None = None,
    cron: str | None = None,
    max_runs: int | None = None,
) -> CalendarEntry:
    """An entry and its schedule, as the API makes them but without its up-front checks."""
    entry_id = str(uuid.uuid4())
    entry = CalendarEntry(
        id=entry_id,
        tenant_id=tenant_id,
        content_id=content_id,
        account_id=account_id,
        kind="one_off" if run_at else "recurring",
        timezone="Asia/Shanghai",
        run_at=run_at,
        cron=cron,
        max_runs=max_runs,
        status="scheduled",
        schedule_id=ids.calendar_schedule_id(entry_id),
        expected_since=utcnow(),
        created_by=user_id,
    )
    async with sessionmaker() as session:
        session.add(entry)
        await session.commit()
    await schedules.create(client, entry, settings, title="planned post", remaining=1 if run_at else max_runs)
    return entry


async def runs_of(sessionmaker: async_sessionmaker[AsyncSession], entry_id: str) -> list[CalendarRun]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(CalendarRun).where(CalendarRun.entry_id == entry_id).order_by(CalendarRun.scheduled_for)
        )
        return list(rows.all())


async def entry_row(sessionmaker: async_sessionmaker[AsyncSession], entry_id: str) -> CalendarEntry:
    async with sessionmaker() as session:
        entry = await session.get(CalendarEntry, entry_id)
        assert entry is not None
        return entry


def finished(runs: Sequence[CalendarRun], count: int = 1) -> bool:
    return len(runs) >= count and all(r.status != "running" for r in runs)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
