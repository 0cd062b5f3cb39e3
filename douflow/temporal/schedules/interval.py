"""A run on a fixed interval as a Temporal Schedule, created once and afterwards refreshed in place.

The deployment's maintenance runs (media cleanup, publish sweep) and each account's metrics sync are
ensured whenever their owner starts: a schedule made by an earlier release is brought up to today's
definition, and whether it is paused, and why, stays as it is (an operator may have paused it in the
Temporal UI). A new one starts paused when the deployment says so (tests run such workflows themselves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleAlreadyRunningError,
    ScheduleHandle,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from douflow.settings import Settings
from douflow.temporal import starts


@dataclass(frozen=True)
class Interval:
    """Every `every` (shifted by `offset`); a run missed while the server was down is made up only within
    `catchup`; a run still going when the next is due makes the next one skip."""

    every: timedelta
    catchup: timedelta
    offset: timedelta = timedelta(0)


def _schedule(
    settings: Settings, run: starts.Start, interval: Interval, *, paused: bool, note: str
) -> Schedule:
    return Schedule(
        action=starts.schedule_action(run, settings),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=interval.every, offset=interval.offset)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=interval.catchup),
        state=ScheduleState(note=note, paused=paused),
    )


async def ensure_interval_schedule(
    client: Client,
    settings: Settings,
    schedule_id: str,
    run: starts.Start,
    interval: Interval,
    *,
    paused: bool,
    note: str,
) -> ScheduleHandle:
    """Creates the schedule (paused if `paused`), or refreshes the existing one; returns its handle."""
    try:
        schedule = _schedule(settings, run, interval, paused=paused, note=note)
        await client.create_schedule(schedule_id, schedule, search_attributes=run.tags)
        return client.get_schedule_handle(schedule_id)
    except ScheduleAlreadyRunningError:
        pass

    def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
        state = current.description.schedule.state
        schedule = _schedule(settings, run, interval, paused=state.paused, note=state.note or note)
        return ScheduleUpdate(schedule=schedule, search_attributes=run.tags)

    handle = client.get_schedule_handle(schedule_id)
    await handle.update(refreshed)
    return handle
