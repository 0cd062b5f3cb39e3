"""orchestration-service's activities: auto-scheduling a replication's variants as one-off calendar entries
at the account's next free slots.

They run on the orchestration side because creating a Temporal Schedule needs the client. Entry ids are derived
from the replication and the variant, and rows are committed before their schedules are created, so a
retried attempt finds its entries and only makes sure their schedules exist: never a second entry.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client, ScheduleAlreadyRunningError

from activities.orchestration.comments import CommentActivities
from activities.orchestration.contract import Orchestration
from activities.orchestration.conversations import ConversationActivities
from activities.orchestration.customers import CustomerActivities
from activities.orchestration.journeys import JourneyActivities
from activities.orchestration.suggestions import SuggestionActivities
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.approvals import approval_problem
from douflow.content.calendar import CalendarRepository, closest_clash
from douflow.content.contents import ContentRepository
from douflow.content.drafts import content_problems
from douflow.db.base import utcnow
from douflow.db.calendar_tables import CalendarEntry
from douflow.db.tables import Tenant
from douflow.settings import Settings
from douflow.temporal import ids
from douflow.temporal.schedules import calendar as schedules
from models.replication import ScheduleVariants, VariantSchedule

SYSTEM_ACTOR = "system"
DEFAULT_TIMEZONE = "Asia/Shanghai"
# With no minimum spacing configured, variants still go out one per minute, never together.
MIN_STEP = timedelta(minutes=1)
# However short the configured delay, a schedule is created well before it is due.
MIN_LEAD = timedelta(seconds=30)
_ENTRY_NAMESPACE = uuid.UUID("6f1f8a52-3d0e-4c1b-9a57-0d3f2b8e7c41")


def entry_id(replication_id: str, content_id: str) -> str:
    """The calendar entry of one variant: the same on every attempt, so a retry finds it."""
    return str(uuid.uuid5(_ENTRY_NAMESPACE, f"replication:{replication_id}:{content_id}"))


def free_slots(
    taken: Sequence[datetime], earliest: datetime, count: int, spacing: timedelta
) -> list[datetime]:
    """`count` times from `earliest` on, each at least `spacing` from the taken ones and from each other."""
    busy = sorted(taken)
    slots: list[datetime] = []
    at = _whole_second(earliest)
    while len(slots) < count:
        clash = closest_clash([at], busy, spacing)
        if clash is not None:
            at = _whole_second(clash[1] + spacing)
            continue
        slots.append(at)
        busy = sorted([*busy, at])
        at += max(spacing, MIN_STEP)
    return slots


def _whole_second(at: datetime) -> datetime:
    """One-off schedules fire on whole seconds; rounding up keeps the slot at or after its time."""
    return at if not at.microsecond else at.replace(microsecond=0) + timedelta(seconds=1)


class OrchestrationActivities(
    ConversationActivities,
    CustomerActivities,
    CommentActivities,
    SuggestionActivities,
    JourneyActivities,
    Orchestration,
):
    """Built once per worker from the Temporal client, the settings and a sessionmaker."""

    def __init__(
        self, client: Client, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self._client = client
        self._settings = settings
        self._sessionmaker = sessionmaker
        # Replications of one account finishing together must not pick the same slots; the row lock
        # below does this across processes on PostgreSQL, this lock within one process (and on SQLite).
        self._account_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @activity.defn
    async def schedule_replication_variants(self, req: ScheduleVariants) -> VariantSchedule:
        """Plans every publishable variant once on the source's account; says why when it cannot."""
        async with self._account_locks[req.account_id]:
            planned = await self._plan(req)
        if planned.status == "scheduled":
            await self._ensure_schedules(req.tenant_id, planned.entry_ids)
        return planned

    async def _plan(self, req: ScheduleVariants) -> VariantSchedule:
        async with self._sessionmaker() as session:
            repo = CalendarRepository(session, req.tenant_id)
            ids = [entry_id(req.replication_id, c) for c in req.content_ids]
            existing = await repo.get_many(ids)
            if existing:  # an earlier attempt committed the plan
                warnings = await _approval_warnings(session, req.tenant_id, [e.content_id for e in existing])
                return _result(existing, None, warnings)
            now = utcnow()
            problem = await self._account_problem(session, req, now)
            if problem:
                return VariantSchedule(status="failed", reason=problem)
            publishable, problems = await _publishable(session, req.tenant_id, req.content_ids)
            if not publishable:
                return VariantSchedule(
                    status="failed", reason="; ".join(problems) or "no variant to schedule"
                )
            slots = await self._slots(session, req, now, len(publishable))
            zone = await _tenant_zone(session, req.tenant_id)
            entries = [
                _entry(req, entry_id(req.replication_id, content_id), content_id, at, zone, now)
                for content_id, at in zip(publishable, slots, strict=True)
            ]
            for entry in entries:
                repo.add(entry)
            warnings = await _approval_warnings(session, req.tenant_id, publishable)
            await session.commit()
            return _result(entries, "; ".join(problems) or None, warnings)

    async def _account_problem(
        self, session: AsyncSession, req: ScheduleVariants, now: datetime
    ) -> str | None:
        accounts = DouyinAccountRepository(session, req.tenant_id)
        account = await accounts.get(req.account_id)
        if account is not None:
            # Serialises planners of this account until the commit (a no-op on SQLite).
            await session.refresh(account, with_for_update=True)
        return publish_problem(account, req.account_id, now)

    async def _slots(
        self, session: AsyncSession, req: ScheduleVariants, now: datetime, count: int
    ) -> list[datetime]:
        spacing = timedelta(minutes=self._settings.calendar_min_spacing_minutes)
        plan = await schedules.account_plan(
            self._client, session, self._settings, req.tenant_id, req.account_id, now - spacing
        )
        taken = [at for _, times in plan for at in times]
        earliest = now + timedelta(minutes=self._settings.replication_schedule_delay_minutes)
        return free_slots(taken, max(earliest, now + MIN_LEAD), count, spacing)

    async def _ensure_schedules(self, tenant_id: str, entry_ids: list[str]) -> None:
        async with self._sessionmaker() as session:
            entries = await CalendarRepository(session, tenant_id).get_many(entry_ids)
            titles = await ContentRepository(session, tenant_id).titles([e.content_id for e in entries])
            for entry in entries:
                try:
                    await schedules.create(
                        self._client,
                        entry,
                        self._settings,
                        title=titles.get(entry.content_id, ""),
                        remaining=1,
                    )
                except ScheduleAlreadyRunningError:
                    pass  # this attempt's predecessor created it


async def _publishable(
    session: AsyncSession, tenant_id: str, content_ids: list[str]
) -> tuple[list[str], list[str]]:
    """The variants Douyin would take as they are, and what is wrong with the others."""
    publishable: list[str] = []
    problems: list[str] = []
    for content_id in content_ids:
        found = await content_problems(session, tenant_id, content_id)
        if found is None:
            problems.append(f"variant {content_id} not found")
        elif found:
            problems.append(f"variant {content_id} cannot be published: " + "; ".join(found))
        else:
            publishable.append(content_id)
    return publishable, problems


async def _approval_warnings(session: AsyncSession, tenant_id: str, content_ids: list[str]) -> list[str]:
    """Variants the tenant's policy holds until approved: planned, and checked again when they fire."""
    if not content_ids:
        return []
    tenant = await session.get(Tenant, tenant_id)
    contents = ContentRepository(session, tenant_id)
    warnings: list[str] = []
    for content_id in content_ids:
        content = await contents.get(content_id)
        problem = approval_problem(tenant, content) if content is not None else None
        if problem:
            warnings.append(f"{problem}; its calendar run is skipped unless it is approved by then")
    return warnings


async def _tenant_zone(session: AsyncSession, tenant_id: str) -> str:
    tenant = await session.get(Tenant, tenant_id)
    return tenant.timezone if tenant is not None and tenant.timezone else DEFAULT_TIMEZONE


def _entry(
    req: ScheduleVariants, planned_id: str, content_id: str, run_at: datetime, zone: str, now: datetime
) -> CalendarEntry:
    return CalendarEntry(
        id=planned_id,
        tenant_id=req.tenant_id,
        content_id=content_id,
        account_id=req.account_id,
        kind="one_off",
        timezone=zone,
        run_at=run_at,
        status="scheduled",
        schedule_id=ids.calendar_schedule_id(planned_id),
        expected_since=now,
        created_by=SYSTEM_ACTOR,
    )


def _result(
    entries: Sequence[CalendarEntry], reason: str | None, warnings: list[str] | None = None
) -> VariantSchedule:
    ordered = sorted(entries, key=lambda e: (e.run_at, e.id))
    return VariantSchedule(
        status="scheduled",
        entry_ids=[e.id for e in ordered],
        run_at=[e.run_at for e in ordered if e.run_at is not None],
        reason=reason,
        warnings=warnings or [],
    )
