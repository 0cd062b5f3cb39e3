"""The Temporal Schedule behind each calendar entry, and an account's planned publishes (for spacing).

Shared by the BFF's calendar routes and the orchestration activities that plan entries themselves
(replication).

Choices, deliberately:
- One-offs are a calendar spec of the exact UTC second with one remaining action, so they fire once.
- Recurrences are a cron or weekly calendar spec in the entry's own time zone: occurrences are anchored
  to the schedule (the wall clock), never to when some run started, so entries made together never burst.
- Catch-up window = CALENDAR_CATCHUP_MINUTES (4 h by default): after an outage of the server a due post
  still goes out if it is at most that late; older ones are not fired late, and the calendar view shows
  them as missed with the reason instead of dropping them silently.
- Overlap = BUFFER_ONE: one entry never publishes twice at once; an occurrence that comes while the
  previous publish is still running waits for it (one at most), so a slow review never causes a burst.
- "Run now" starts the workflow itself with its own id instead of `trigger`, whose id
  (`<action id>-<second>`) would collide with a scheduled run of the same second and drop one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.api.workflowservice.v1 import ListScheduleMatchingTimesRequest
from temporalio.client import (
    Client,
    Schedule,
    ScheduleCalendarSpec,
    ScheduleDescription,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from douflow.content.calendar import CalendarRepository
from douflow.db.calendar_tables import CalendarEntry
from douflow.settings import Settings
from douflow.temporal import ids, starts
from models.calendar import CalendarRunInput
from models.content import Actor

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # Temporal counts from Sunday = 0
# How far ahead recurrences are compared for spacing (a month covers every weekly and daily pattern).
SPACING_HORIZON = timedelta(days=31)
# How far a recurrence is looked at for its next occurrence at all: a cron on 29 February may be four years
# away (the server answers at most 1000 times, so a frequent one costs no more).
OCCURRENCE_HORIZON = timedelta(days=4 * 366 + 1)
NOTE = "DouFlow content calendar entry; edits through the calendar API reach this schedule at once"


class InvalidSpec(ValueError):
    """Temporal refused the recurrence (for example a malformed cron expression)."""


def run_input(entry: CalendarEntry, **overrides: Any) -> CalendarRunInput:
    return CalendarRunInput(
        entry_id=entry.id,
        actor=Actor(tenant_id=entry.tenant_id, user_id=entry.created_by),
        content_id=entry.content_id,
        account_id=entry.account_id,
        one_off=entry.kind == "one_off",
        **overrides,
    )


def run_start(entry: CalendarEntry, title: str | None) -> starts.Start:
    """What the entry's schedule starts at each occurrence."""
    return starts.calendar_run(run_input(entry), title=title)


def memo(entry: CalendarEntry) -> dict[str, str]:
    return {
        "tenant_id": entry.tenant_id,
        "entry_id": entry.id,
        "kind": entry.kind,
        "timezone": entry.timezone,
    }


def spec(entry: CalendarEntry) -> ScheduleSpec:
    if entry.kind == "one_off":
        assert entry.run_at is not None
        return ScheduleSpec(calendars=[_exact_second(entry.run_at)], time_zone_name="UTC")
    if entry.cron:
        return ScheduleSpec(cron_expressions=[entry.cron], end_at=entry.end_at, time_zone_name=entry.timezone)
    return ScheduleSpec(
        calendars=[_weekly(slot) for slot in entry.weekly_slots or []],
        end_at=entry.end_at,
        time_zone_name=entry.timezone,
    )


def build(
    entry: CalendarEntry, settings: Settings, *, title: str | None, paused: bool, remaining: int | None
) -> Schedule:
    """The whole schedule of an entry; `remaining` limits its actions (one-off: 1, recurrence: runs left)."""
    action = starts.schedule_action(run_start(entry, title), settings)
    action.memo = memo(entry)
    return Schedule(
        action=action,
        spec=spec(entry),
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.BUFFER_ONE,
            catchup_window=timedelta(minutes=settings.calendar_catchup_minutes),
        ),
        state=ScheduleState(
            note=NOTE,
            paused=paused,
            limited_actions=remaining is not None,
            remaining_actions=max(remaining or 0, 0),
        ),
    )


async def create(
    client: Client, entry: CalendarEntry, settings: Settings, *, title: str | None, remaining: int | None
) -> None:
    run = run_start(entry, title)
    try:
        await client.create_schedule(
            ids.calendar_schedule_id(entry.id),
            build(entry, settings, title=title, paused=False, remaining=remaining),
            memo=memo(entry),
            search_attributes=run.tags,
        )
    except RPCError as exc:
        raise _spec_error(exc) from exc


KEEP = -1  # `update(remaining=KEEP)`: leave the schedule's remaining actions as they are


async def update(
    client: Client, entry: CalendarEntry, settings: Settings, *, title: str | None, remaining: int | None
) -> None:
    """Rewrites the schedule in place (same id), keeping whether it is paused (the UI may have paused it)."""

    def updater(current: ScheduleUpdateInput) -> ScheduleUpdate:
        state = current.description.schedule.state
        left = remaining
        if remaining == KEEP:
            left = state.remaining_actions if state.limited_actions else None
        return ScheduleUpdate(
            schedule=build(entry, settings, title=title, paused=state.paused, remaining=left),
            search_attributes=run_start(entry, title).tags,
        )

    try:
        await client.get_schedule_handle(ids.calendar_schedule_id(entry.id)).update(updater)
    except RPCError as exc:
        raise _spec_error(exc) from exc


async def delete(client: Client, entry: CalendarEntry) -> None:
    try:
        await client.get_schedule_handle(ids.calendar_schedule_id(entry.id)).delete()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise


async def describe(client: Client, entry: CalendarEntry) -> ScheduleDescription | None:
    try:
        return await client.get_schedule_handle(ids.calendar_schedule_id(entry.id)).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise


def handle(client: Client, entry: CalendarEntry) -> ScheduleHandle:
    return client.get_schedule_handle(ids.calendar_schedule_id(entry.id))


async def matching_times(client: Client, sid: str, start: datetime, end: datetime) -> list[datetime]:
    """The schedule's occurrences in [start, end) as the server computes them (paused or not; ≤ 1000)."""
    begin, finish = Timestamp(), Timestamp()
    begin.FromDatetime(start.astimezone(UTC))
    finish.FromDatetime(end.astimezone(UTC))
    response = await client.workflow_service.list_schedule_matching_times(
        ListScheduleMatchingTimesRequest(
            namespace=client.namespace, schedule_id=sid, start_time=begin, end_time=finish
        )
    )
    times = [t.ToDatetime(tzinfo=UTC) for t in response.start_time]
    return [t for t in times if start <= t < end]


async def preview_times(
    client: Client, entry: CalendarEntry, settings: Settings, start: datetime, end: datetime
) -> list[datetime]:
    """Occurrences of an unsaved recurrence, from a paused scratch schedule the server evaluates.

    The server is the one calculator of cron, weekly slots and time zones, so what we check is what fires.
    """
    scratch = ids.calendar_check_schedule_id(entry.id, int(datetime.now(UTC).timestamp() * 1000))
    schedule = build(entry, settings, title=None, paused=True, remaining=None)
    schedule.state.note = "validation scratch of the content calendar; deleted at once"
    try:
        await client.create_schedule(scratch, schedule)
    except RPCError as exc:
        raise _spec_error(exc) from exc
    try:
        return await matching_times(client, scratch, start, end)
    finally:
        await client.get_schedule_handle(scratch).delete()


async def planned_times(
    client: Client,
    session: AsyncSession,
    settings: Settings,
    entry: CalendarEntry,
    now: datetime,
    *,
    saved: bool,
    horizon: timedelta = SPACING_HORIZON,
) -> list[datetime]:
    """The entry's coming publishes within the horizon (a saved recurrence asks its own schedule)."""
    if entry.kind == "one_off":
        return [entry.run_at] if entry.run_at is not None and entry.run_at >= now else []
    end = now + horizon
    if saved:
        times = await matching_times(client, ids.calendar_schedule_id(entry.id), now, end)
    else:
        times = await preview_times(client, entry, settings, now, end)
    if entry.max_runs is not None:
        # max_runs counts every scheduled run of the entry, also those before a reschedule.
        done = await CalendarRepository(session, entry.tenant_id).scheduled_run_count(entry.id)
        times = times[: max(entry.max_runs - done, 0)]
    return times


async def account_plan(
    client: Client,
    session: AsyncSession,
    settings: Settings,
    tenant_id: str,
    account_id: str,
    since: datetime,
    *,
    exclude: str | None = None,
) -> list[tuple[CalendarEntry, list[datetime]]]:
    """The account's planned entries and their coming publishes since `since` (what spacing is kept from)."""
    planned: list[tuple[CalendarEntry, list[datetime]]] = []
    for other in await CalendarRepository(session, tenant_id).active_for_account(account_id, exclude=exclude):
        if other.kind == "one_off" and other.status == "broken":
            continue  # it will not fire again unless rescheduled, which checks spacing then
        planned.append((other, await planned_times(client, session, settings, other, since, saved=True)))
    return planned


def _exact_second(at: datetime) -> ScheduleCalendarSpec:
    at = at.astimezone(UTC)
    return ScheduleCalendarSpec(
        second=[ScheduleRange(at.second)],
        minute=[ScheduleRange(at.minute)],
        hour=[ScheduleRange(at.hour)],
        day_of_month=[ScheduleRange(at.day)],
        month=[ScheduleRange(at.month)],
        year=[ScheduleRange(at.year)],
        comment=f"once at {at.isoformat()}",
    )


def _weekly(slot: dict[str, Any]) -> ScheduleCalendarSpec:
    hour, minute, second = _clock(str(slot["time"]))
    return ScheduleCalendarSpec(
        second=[ScheduleRange(second)],
        minute=[ScheduleRange(minute)],
        hour=[ScheduleRange(hour)],
        day_of_week=[ScheduleRange(WEEKDAYS.index(str(slot["weekday"])))],
        comment=f"every {slot['weekday']} at {slot['time']}",
    )


def _clock(text: str) -> tuple[int, int, int]:
    parts: Sequence[int] = [int(p) for p in text.split(":")]
    return parts[0], parts[1], parts[2] if len(parts) > 2 else 0


def _spec_error(exc: RPCError) -> Exception:
    if exc.status == RPCStatusCode.INVALID_ARGUMENT:
        return InvalidSpec(exc.message)
    return exc
