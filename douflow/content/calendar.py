"""Calendar entries and their runs (tenant-scoped; flush, never commit), and the spacing rule between posts."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.calendar_tables import CalendarEntry, CalendarRun

# Entries that still plan occurrences (a broken one fires again once its account is reconnected).
ACTIVE_STATUSES = ("scheduled", "paused", "broken")


class CalendarRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, entry_id: str) -> CalendarEntry | None:
        return await self._session.scalar(
            select(CalendarEntry).where(
                CalendarEntry.id == entry_id, CalendarEntry.tenant_id == self._tenant_id
            )
        )

    async def get_many(self, entry_ids: Collection[str]) -> Sequence[CalendarEntry]:
        if not entry_ids:
            return []
        return (
            await self._session.scalars(
                select(CalendarEntry).where(
                    CalendarEntry.id.in_(list(entry_ids)), CalendarEntry.tenant_id == self._tenant_id
                )
            )
        ).all()

    async def list(
        self, *, account_id: str | None = None, include_cancelled: bool = False
    ) -> Sequence[CalendarEntry]:
        stmt = select(CalendarEntry).where(CalendarEntry.tenant_id == self._tenant_id)
        if account_id:
            stmt = stmt.where(CalendarEntry.account_id == account_id)
        if not include_cancelled:
            stmt = stmt.where(CalendarEntry.status != "cancelled")
        return (
            await self._session.scalars(stmt.order_by(CalendarEntry.created_at.desc(), CalendarEntry.id))
        ).all()

    async def active_for_account(
        self, account_id: str, *, exclude: str | None = None
    ) -> Sequence[CalendarEntry]:
        conditions = [
            CalendarEntry.tenant_id == self._tenant_id,
            CalendarEntry.account_id == account_id,
            CalendarEntry.status.in_(ACTIVE_STATUSES),
        ]
        if exclude:
            conditions.append(CalendarEntry.id != exclude)
        return (await self._session.scalars(select(CalendarEntry).where(*conditions))).all()

    async def overlapping(
        self, start: datetime, end: datetime, *, account_id: str | None = None
    ) -> Sequence[CalendarEntry]:
        """Entries that may have occurrences in [start, end): one-offs by time, recurrences by lifetime."""
        one_off = (
            (CalendarEntry.kind == "one_off") & (CalendarEntry.run_at >= start) & (CalendarEntry.run_at < end)
        )
        recurring = (
            (CalendarEntry.kind == "recurring")
            & (CalendarEntry.created_at < end)
            & or_(CalendarEntry.end_at.is_(None), CalendarEntry.end_at >= start)
        )
        stmt = select(CalendarEntry).where(
            CalendarEntry.tenant_id == self._tenant_id, or_(one_off, recurring)
        )
        if account_id:
            stmt = stmt.where(CalendarEntry.account_id == account_id)
        return (await self._session.scalars(stmt.order_by(CalendarEntry.created_at, CalendarEntry.id))).all()

    async def runs_between(
        self, start: datetime, end: datetime, *, entry_ids: Collection[str] | None = None
    ) -> Sequence[CalendarRun]:
        stmt = select(CalendarRun).where(
            CalendarRun.tenant_id == self._tenant_id,
            CalendarRun.scheduled_for >= start,
            CalendarRun.scheduled_for < end,
        )
        if entry_ids is not None:
            stmt = stmt.where(CalendarRun.entry_id.in_(list(entry_ids)))
        return (await self._session.scalars(stmt.order_by(CalendarRun.scheduled_for, CalendarRun.id))).all()

    async def runs_of(self, entry_id: str, limit: int = 100) -> Sequence[CalendarRun]:
        rows = await self._session.scalars(
            select(CalendarRun)
            .where(CalendarRun.tenant_id == self._tenant_id, CalendarRun.entry_id == entry_id)
            .order_by(CalendarRun.scheduled_for.desc(), CalendarRun.id)
            .limit(limit)
        )
        return rows.all()

    async def run_by_workflow(self, workflow_id: str) -> CalendarRun | None:
        return await self._session.scalar(
            select(CalendarRun).where(
                CalendarRun.tenant_id == self._tenant_id, CalendarRun.workflow_id == workflow_id
            )
        )

    async def entries_with_runs(self, entry_ids: Collection[str]) -> set[str]:
        if not entry_ids:
            return set()
        rows = await self._session.scalars(
            select(CalendarRun.entry_id)
            .where(CalendarRun.tenant_id == self._tenant_id, CalendarRun.entry_id.in_(list(entry_ids)))
            .distinct()
        )
        return set(rows.all())

    async def scheduled_run_counts(self, entry_ids: Collection[str]) -> dict[str, int]:
        if not entry_ids:
            return {}
        rows = await self._session.execute(
            select(CalendarRun.entry_id, func.count())
            .where(
                CalendarRun.tenant_id == self._tenant_id,
                CalendarRun.entry_id.in_(list(entry_ids)),
                CalendarRun.trigger == "schedule",
            )
            .group_by(CalendarRun.entry_id)
        )
        return {entry_id: int(count) for entry_id, count in rows}

    async def scheduled_run_count(self, entry_id: str) -> int:
        """Runs the schedule itself started (what its remaining actions count), not "run now" ones."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(CalendarRun)
            .where(
                CalendarRun.tenant_id == self._tenant_id,
                CalendarRun.entry_id == entry_id,
                CalendarRun.trigger == "schedule",
            )
        )
        return int(count or 0)

    async def flush(self) -> None:
        await self._session.flush()

    def add(self, row: CalendarEntry | CalendarRun) -> None:
        if row.tenant_id != self._tenant_id:
            raise ValueError("row belongs to another tenant")
        self._session.add(row)


def closest_clash(
    mine: Sequence[datetime], theirs: Sequence[datetime], spacing: timedelta
) -> tuple[datetime, datetime] | None:
    """The first of `mine` closer than `spacing` to one of `theirs`, with that neighbour."""
    ordered = sorted(theirs)
    for time in mine:
        index = bisect.bisect_left(ordered, time)
        for neighbour in ordered[max(index - 1, 0) : index + 1]:
            if abs(neighbour - time) < spacing:
                return time, neighbour
    return None
