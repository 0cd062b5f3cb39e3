"""The calendar by date range: occurrences the schedules plan, and the runs that happened, with reasons.

An occurrence that was due but has no run is never left out: it shows as `due` for a short grace, then
as `missed`, with what the schedule knows (paused, waiting for a worker, beyond the catch-up window).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, ScheduleActionExecutionStartWorkflow, ScheduleDescription

from api.gateway_bff.calendar_checks import local_text
from api.gateway_bff.schemas.calendar import (
    CalendarView,
    EntryView,
    Occurrence,
    OccurrenceState,
    RunView,
    ScheduleView,
    WeeklySlot,
)
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.calendar import ACTIVE_STATUSES, CalendarRepository
from douflow.db.base import utcnow
from douflow.db.calendar_tables import CalendarEntry, CalendarRun
from douflow.temporal.schedules import calendar as schedules

# A due occurrence without a recorded run is reported missed after this long (a run records itself
# within a second or two of its start when a worker is up).
DUE_GRACE = timedelta(seconds=60)


def entry_view(entry: CalendarEntry) -> EntryView:
    return EntryView(
        id=entry.id,
        content_id=entry.content_id,
        account_id=entry.account_id,
        kind=entry.kind,
        timezone=entry.timezone,
        run_at=entry.run_at,
        run_at_local=local_text(entry.run_at, entry.timezone) if entry.run_at else None,
        cron=entry.cron,
        weekly=[WeeklySlot.model_validate(s) for s in entry.weekly_slots] if entry.weekly_slots else None,
        end_at=entry.end_at,
        max_runs=entry.max_runs,
        status=_status(entry),
        last_error=entry.last_error,
        schedule_id=entry.schedule_id,
        created_by=entry.created_by,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


def _status(entry: CalendarEntry) -> str:
    """A recurrence past its end is complete even before anything writes so (nothing will fire)."""
    ended = entry.end_at is not None and entry.end_at <= utcnow()
    if entry.kind == "recurring" and entry.status in ("scheduled", "broken") and ended:
        return "completed"
    return entry.status


def run_view(run: CalendarRun) -> RunView:
    return RunView(
        id=run.id,
        workflow_id=run.workflow_id,
        trigger=run.trigger,
        scheduled_for=run.scheduled_for,
        started_at=run.started_at,
        finished_at=run.finished_at,
        lateness_ms=(run.started_at - run.scheduled_for).total_seconds() * 1000,
        status=run.status,
        reason=run.reason,
        publish_id=run.publish_id,
        publish_workflow_id=run.publish_workflow_id,
        item_id=run.item_id,
        share_url=run.share_url,
    )


def schedule_view(entry: CalendarEntry, description: ScheduleDescription | None) -> ScheduleView:
    if description is None:
        return ScheduleView(schedule_id=entry.schedule_id, exists=False)
    state, info = description.schedule.state, description.info
    return ScheduleView(
        schedule_id=entry.schedule_id,
        exists=True,
        paused=state.paused,
        note=state.note,
        remaining_actions=state.remaining_actions if state.limited_actions else None,
        next_times=list(info.next_action_times),
        actions_taken=info.num_actions,
        missed_catchup_window=info.num_actions_missed_catchup_window,
        skipped_overlap=info.num_actions_skipped_overlap,
    )


async def calendar(
    client: Client, session: AsyncSession, tenant_id: str, start: datetime, end: datetime, now: datetime,
    account_id: str | None = None,
) -> CalendarView:  # fmt: skip
    repo = CalendarRepository(session, tenant_id)
    entries = {e.id: e for e in await repo.overlapping(start, end, account_id=account_id)}
    runs = [r for r in await repo.runs_between(start, end) if account_id is None or r.entry_id in entries]
    entries |= {e.id: e for e in await repo.get_many({r.entry_id for r in runs} - entries.keys())}
    occurrences = [_from_run(entries[r.entry_id], r) for r in runs if r.entry_id in entries]
    ran = {(r.entry_id, r.scheduled_for) for r in runs if r.trigger == "schedule"}
    ran_any = await repo.entries_with_runs([e.id for e in entries.values() if e.kind == "one_off"])
    active = [e for e in entries.values() if e.status in ACTIVE_STATUSES]
    done = await repo.scheduled_run_counts([e.id for e in active])
    planned = await asyncio.gather(
        *(_expected(client, e, done.get(e.id, 0), start, end, now) for e in active)
    )
    problems = await _account_problems(session, tenant_id, now)
    for entry, times in zip(active, planned, strict=True):
        if entry.kind == "one_off" and entry.id in ran_any:
            continue  # "run now" replaced the plan
        pending = [t for t in times if (entry.id, t) not in ran]
        occurrences += await _unrun(client, entry, pending, now, problems.get(entry.account_id))
    occurrences.sort(key=lambda o: (o.scheduled_for, o.entry_id))
    return CalendarView(
        start=start, end=end, occurrences=occurrences, entries=[entry_view(e) for e in entries.values()]
    )


async def _expected(
    client: Client, entry: CalendarEntry, done: int, start: datetime, end: datetime, now: datetime
) -> list[datetime]:
    """Occurrences the schedule owes in [start, end): from `expected_since`, at most the runs left."""
    since = max(start, entry.expected_since)
    if entry.kind == "one_off":
        return [entry.run_at] if entry.run_at and since <= entry.run_at < end else []
    if since >= end:
        return []
    times = await schedules.matching_times(client, entry.schedule_id, since, end)
    if entry.max_runs is not None:
        left = max(entry.max_runs - done, 0)
        future = [t for t in times if t >= now - DUE_GRACE][:left]
        times = [t for t in times if t < now - DUE_GRACE] + future
    return times


async def _unrun(
    client: Client, entry: CalendarEntry, times: Sequence[datetime], now: datetime, problem: str | None
) -> list[Occurrence]:
    """Occurrences without a run: planned (or paused) ahead, due for a moment, then missed with a reason."""
    overdue = [t for t in times if t < now - DUE_GRACE]
    started: dict[datetime, str] = {}
    description = await schedules.describe(client, entry) if overdue else None
    if description is not None:
        for action in description.info.recent_actions:
            if isinstance(action.action, ScheduleActionExecutionStartWorkflow):
                started[action.scheduled_at.replace(microsecond=0)] = action.action.workflow_id
    result: list[Occurrence] = []
    for time in times:
        state: OccurrenceState
        reason: str | None
        if time >= now:
            state, reason = (
                ("paused", "the entry is paused") if entry.status == "paused" else ("planned", None)
            )
            if problem:
                reason = f"will be skipped unless fixed first: {problem}"
        elif entry.status == "paused":
            state, reason = (
                "missed",
                "not published: the entry is paused (resuming does not fire passed times)",
            )
        elif time >= now - DUE_GRACE:
            state, reason = "due", "due now; the run records itself when it starts"
        else:
            state, reason = "missed", _missed_reason(entry, description, started.get(time))
        result.append(_occurrence(entry, time, state, reason))
    return result


async def _account_problems(session: AsyncSession, tenant_id: str, now: datetime) -> dict[str, str]:
    """Accounts that cannot publish now, so planned occurrences warn before they are skipped."""
    accounts = await DouyinAccountRepository(session, tenant_id).list(include_unbound=True)
    problems = {a.id: publish_problem(a, a.id, now) for a in accounts}
    return {account_id: problem for account_id, problem in problems.items() if problem}


def _missed_reason(
    entry: CalendarEntry, description: ScheduleDescription | None, workflow_id: str | None
) -> str:
    if workflow_id is not None:
        return f"started as {workflow_id} but no worker has picked it up yet (is the worker running?)"
    if description is None:
        return "not started: its schedule no longer exists"
    if entry.status == "paused" or description.schedule.state.paused:
        return "not started: the entry was paused at that time"
    missed = description.info.num_actions_missed_catchup_window
    if missed:
        return f"not started: the scheduler was down past the catch-up window ({missed} occurrence(s) missed)"
    return "not started and no run recorded: check the schedule in the Temporal UI"


def _from_run(entry: CalendarEntry, run: CalendarRun) -> Occurrence:
    occurrence = _occurrence(entry, run.scheduled_for, run.status, run.reason)
    occurrence.trigger = run.trigger
    occurrence.run = run_view(run)
    return occurrence


def _occurrence(
    entry: CalendarEntry, time: datetime, state: OccurrenceState, reason: str | None
) -> Occurrence:
    return Occurrence(
        entry_id=entry.id,
        content_id=entry.content_id,
        account_id=entry.account_id,
        kind=entry.kind,
        scheduled_for=time,
        local_time=local_text(time, entry.timezone),
        state=state,
        reason=reason,
    )
