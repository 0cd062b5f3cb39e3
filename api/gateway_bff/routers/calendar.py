"""Seed feature 6: the content calendar. Each entry is a Temporal Schedule `calendar-{entry_id}`.

The database row says what the operator planned and why runs did not publish; the schedule does the
timing. Every write reaches the schedule in the same request (created, updated in place, paused,
resumed, deleted), and operators see and control the same schedules in the Temporal UI.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.calendar_checks import (
    MIN_LEAD,
    check_future,
    check_spacing,
    localize,
    zone,
)
from api.gateway_bff.calendar_view import calendar, entry_view, run_view, schedule_view
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, DomainError, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.publish_checks import approval_warning, check_account, check_content
from api.gateway_bff.schemas.calendar import (
    CalendarView,
    EntryCreate,
    EntryDetail,
    EntryPatch,
    EntryView,
    Recurrence,
    RunStarted,
)
from api.gateway_bff.time_bounds import BoundedDateTime
from douflow.content.calendar import ACTIVE_STATUSES, CalendarRepository
from douflow.content.contents import ContentRepository
from douflow.db.base import new_id, utcnow
from douflow.db.calendar_tables import CalendarEntry
from douflow.db.tables import Tenant
from douflow.settings import Settings
from douflow.temporal import ids, starts
from douflow.temporal.schedules import calendar as schedules

log = logging.getLogger("douflow.bff.calendar")
router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"], route_class=GuardedRoute)

MAX_RANGE = timedelta(days=92)


@router.get("")
async def view_calendar(
    user: CurrentUser,
    session: SessionDep,
    temporal: TemporalDep,
    start: Annotated[BoundedDateTime, Query(alias="from", description="first moment shown")],
    end: Annotated[
        BoundedDateTime, Query(alias="to", description=f"after `from`, at most {MAX_RANGE.days} days later")
    ],
    account_id: str | None = None,
) -> CalendarView:
    """Planned, due, missed, running and finished publishes in [from, to), each with its reason."""
    tz = zone(await _tenant_zone(session, user.tenant_id))
    start, end = localize(start, tz), localize(end, tz)
    if not start < end <= start + MAX_RANGE:
        raise DomainError(f"`to` must be after `from` and at most {MAX_RANGE.days} days later")
    return await calendar(temporal, session, user.tenant_id, start, end, utcnow(), account_id)


@router.get("/entries")
async def list_entries(
    user: CurrentUser, session: SessionDep, account_id: str | None = None, include_cancelled: bool = False
) -> list[EntryView]:
    repo = CalendarRepository(session, user.tenant_id)
    rows = await repo.list(account_id=account_id, include_cancelled=include_cancelled)
    return [entry_view(r) for r in rows]


@router.post("/entries", status_code=status.HTTP_201_CREATED, responses=answers(404, 409))
async def create_entry(
    body: EntryCreate, user: Operator, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> EntryDetail:
    """Plans a content on an account, once or on a recurrence; refused with what to fix if it cannot publish.

    A content still waiting for the approval the tenant requires may be planned: the answer warns, and a
    run that fires before it is approved is skipped with that reason.
    """
    now = utcnow()
    entry_id = new_id()
    entry = CalendarEntry(
        id=entry_id,
        tenant_id=user.tenant_id,
        content_id=body.content_id,
        account_id=body.account_id,
        timezone=body.timezone or await _tenant_zone(session, user.tenant_id),
        status="scheduled",
        schedule_id=ids.calendar_schedule_id(entry_id),
        expected_since=now,
        created_by=user.user_id,
    )
    _set_timing(entry, body.run_at, body.recurrence, now)
    await check_content(session, user.tenant_id, entry.content_id)
    await check_account(session, user.tenant_id, entry.account_id, now)
    await _check_times(temporal, session, settings, entry, now)
    CalendarRepository(session, user.tenant_id).add(entry)
    await session.flush()
    title = await _title(session, entry)
    warning = await approval_warning(session, user.tenant_id, entry.content_id)
    with _spec_errors():
        await schedules.create(temporal, entry, settings, title=title, remaining=_remaining(entry, 0))
    try:
        await session.commit()
    except Exception:
        await schedules.delete(temporal, entry)
        raise
    return await _detail(temporal, session, entry, warning)


@router.get("/entries/{entry_id}")
async def get_entry(
    entry_id: str, user: CurrentUser, session: SessionDep, temporal: TemporalDep
) -> EntryDetail:
    """The entry, its schedule as Temporal sees it, and its runs (newest first)."""
    entry = await _entry(session, user.tenant_id, entry_id)
    return await _detail(temporal, session, entry)


@router.patch("/entries/{entry_id}", responses=answers(409))
async def reschedule(
    entry_id: str,
    body: EntryPatch,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> EntryDetail:
    """Changes time, recurrence, content or account; the same schedule is updated in place."""
    now = utcnow()
    entry = await _entry(session, user.tenant_id, entry_id)
    if entry.status == "cancelled":
        raise Conflict(f"calendar entry {entry_id} was deleted; create a new one")
    timing = body.run_at is not None or body.recurrence is not None or body.timezone is not None
    if body.timezone is not None:
        zone(body.timezone)
        entry.timezone = body.timezone
    if body.run_at is not None and entry.kind != "one_off":
        raise DomainError("this entry is recurring: change `recurrence` (or delete it and plan a one-off)")
    if body.recurrence is not None and entry.kind != "recurring":
        raise DomainError("this entry is a one-off: change `run_at` (or delete it and plan a recurrence)")
    if body.run_at is not None or body.recurrence is not None:
        _set_timing(entry, body.run_at, body.recurrence, now)
    if body.content_id is not None and body.content_id != entry.content_id:
        await check_content(session, user.tenant_id, body.content_id)
        entry.content_id = body.content_id
    entry.account_id = body.account_id or entry.account_id
    await check_account(session, user.tenant_id, entry.account_id, now)
    if timing or body.account_id:
        await _check_times(temporal, session, settings, entry, now)
    remaining: int | None = schedules.KEEP
    if timing:
        entry.expected_since = now
        entry.last_error = None
        entry.status = "paused" if entry.status == "paused" else "scheduled"
        remaining = await _remaining_now(session, entry)
    title = await _title(session, entry)
    warning = await approval_warning(session, user.tenant_id, entry.content_id)
    with _spec_errors():
        await schedules.update(temporal, entry, settings, title=title, remaining=remaining)
    await session.commit()
    return await _detail(temporal, session, entry, warning)


@router.post("/entries/{entry_id}/pause", responses=answers(409))
async def pause(entry_id: str, user: Operator, session: SessionDep, temporal: TemporalDep) -> EntryDetail:
    """No occurrence fires while paused; resuming does not fire the ones that passed meanwhile."""
    entry = await _entry(session, user.tenant_id, entry_id)
    if entry.status not in ACTIVE_STATUSES:
        raise Conflict(f"calendar entry {entry_id} is {entry.status}; only planned entries can be paused")
    await schedules.handle(temporal, entry).pause(note=f"paused through the calendar API by {user.user_id}")
    entry.status = "paused"
    await session.commit()
    return await _detail(temporal, session, entry)


@router.post("/entries/{entry_id}/resume", responses=answers(409))
async def resume(entry_id: str, user: Operator, session: SessionDep, temporal: TemporalDep) -> EntryDetail:
    entry = await _entry(session, user.tenant_id, entry_id)
    if entry.status not in ACTIVE_STATUSES:
        raise Conflict(f"calendar entry {entry_id} is {entry.status}; only planned entries can be resumed")
    now = utcnow()
    if entry.kind == "one_off" and entry.run_at is not None and entry.run_at < now + MIN_LEAD:
        raise Conflict("its time passed while it was paused: set a new `run_at` (PATCH) or run it now")
    await schedules.handle(temporal, entry).unpause(
        note=f"resumed through the calendar API by {user.user_id}"
    )
    # Occurrences that passed while paused are not owed; a broken entry stays broken until a run succeeds.
    entry.status = "scheduled" if entry.status == "paused" else entry.status
    entry.expected_since = now
    await session.commit()
    return await _detail(temporal, session, entry)


@router.post("/entries/{entry_id}/trigger", status_code=status.HTTP_202_ACCEPTED, responses=answers(409))
async def run_now(
    entry_id: str,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    key: runner.Key,
) -> RunStarted:
    """Publishes now, beside the plan (a one-off's plan is used up by it); follow it in the entry's runs.

    Started with its own id rather than the schedule's trigger, whose `<id>-<second>` would collide
    with a scheduled run in the same second; an Idempotency-Key makes a retried request start it once.
    """
    now = utcnow()
    entry = await _entry(session, user.tenant_id, entry_id)
    if entry.status not in ACTIVE_STATUSES:
        raise Conflict(f"calendar entry {entry_id} is {entry.status}; plan it again to publish")
    await check_account(session, user.tenant_id, entry.account_id, now)
    title = await _title(session, entry)
    run = starts.calendar_run(
        schedules.run_input(entry, trigger="manual", scheduled_for=now),
        title=title,
        run_id=ids.calendar_run_now_id(entry.id, key.value),
    )
    run_id = (await runner.start(temporal, settings, run, key=key)).handle.result_run_id
    if entry.kind == "one_off":
        await schedules.update(temporal, entry, settings, title=title, remaining=0)
    return RunStarted(entry_id=entry.id, workflow_id=run.id, run_id=run_id)


@router.delete("/entries/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_entry(entry_id: str, user: Operator, session: SessionDep, temporal: TemporalDep) -> Response:
    """Deletes the schedule (nothing more fires); a publish already running finishes; history stays."""
    entry = await _entry(session, user.tenant_id, entry_id)
    if entry.status != "cancelled":
        await schedules.delete(temporal, entry)
        entry.status = "cancelled"
        await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- helpers ---------------------------------------------------------------------------------------


async def _title(session: AsyncSession, entry: CalendarEntry) -> str | None:
    """The planned content's title, for the summary its runs show in the Temporal UI."""
    titles = await ContentRepository(session, entry.tenant_id).titles([entry.content_id])
    return titles.get(entry.content_id)


async def _entry(session: AsyncSession, tenant_id: str, entry_id: str) -> CalendarEntry:
    entry = await CalendarRepository(session, tenant_id).get(entry_id)
    if entry is None:
        raise NotFound(f"calendar entry {entry_id} not found")
    return entry


async def _tenant_zone(session: AsyncSession, tenant_id: str) -> str:
    tenant = await session.get(Tenant, tenant_id)
    return tenant.timezone if tenant is not None and tenant.timezone else "Asia/Shanghai"


def _set_timing(
    entry: CalendarEntry, run_at: datetime | None, recurrence: Recurrence | None, now: datetime
) -> None:
    tz = zone(entry.timezone)
    if run_at is not None:
        entry.kind, entry.run_at = "one_off", localize(run_at, tz).astimezone(UTC)
        entry.cron = entry.weekly_slots = entry.end_at = entry.max_runs = None
        check_future(entry.run_at, now, entry.timezone)
        return
    assert recurrence is not None
    entry.kind, entry.run_at = "recurring", None
    entry.cron = recurrence.cron
    entry.weekly_slots = [s.model_dump() for s in recurrence.weekly] if recurrence.weekly else None
    entry.end_at = localize(recurrence.end_at, tz).astimezone(UTC) if recurrence.end_at else None
    entry.max_runs = recurrence.max_runs
    if entry.end_at is not None and entry.end_at <= now:
        raise DomainError("the recurrence's `end_at` is not in the future")


async def _check_times(
    temporal: TemporalDep, session: AsyncSession, settings: Settings, entry: CalendarEntry, now: datetime
) -> None:
    with _spec_errors():
        times = await schedules.planned_times(temporal, session, settings, entry, now, saved=False)
        coming = bool(times) or entry.kind == "one_off"
        if not coming:  # none within a month: a yearly one may still come
            coming = bool(
                await schedules.planned_times(
                    temporal, session, settings, entry, now, saved=False, horizon=schedules.OCCURRENCE_HORIZON
                )
            )
    if not coming:
        raise DomainError(
            "the recurrence has no occurrence left between now and its end: check `cron`/`weekly`, `end_at` "
            "and `max_runs` (it counts every scheduled run of the entry, also those before a reschedule)"
        )
    await check_spacing(temporal, session, settings, entry, times, now)


def _remaining(entry: CalendarEntry, done: int) -> int | None:
    if entry.kind == "one_off":
        return 1
    return None if entry.max_runs is None else max(entry.max_runs - done, 0)


async def _remaining_now(session: AsyncSession, entry: CalendarEntry) -> int | None:
    done = await CalendarRepository(session, entry.tenant_id).scheduled_run_count(entry.id)
    return _remaining(entry, done)


async def _detail(
    temporal: TemporalDep, session: AsyncSession, entry: CalendarEntry, warning: str | None = None
) -> EntryDetail:
    description = await schedules.describe(temporal, entry)
    runs = await CalendarRepository(session, entry.tenant_id).runs_of(entry.id)
    # Read after the runs: a run and its entry are written together, so the entry is never older.
    await session.refresh(entry)
    return EntryDetail(
        **entry_view(entry).model_dump(),
        schedule=schedule_view(entry, description),
        runs=[run_view(r) for r in runs],
        warnings=[warning] if warning else [],
    )


@contextlib.contextmanager
def _spec_errors() -> Iterator[None]:
    try:
        yield
    except schedules.InvalidSpec as exc:
        raise DomainError(f"Temporal refused the recurrence: {exc}") from exc
