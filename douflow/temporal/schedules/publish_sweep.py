"""The Temporal Schedule that settles every tenant's stale publishes (PublishSweepWorkflow).

Ensured whenever an orchestration worker starts, so a deployment needs no setup step; an existing
schedule is brought up to today's definition in place, keeping whether an operator paused it.
"""

from __future__ import annotations

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
from douflow.temporal import ids, starts
from models.publish import SweepInput

NOTE = "settles publishes left under review or unconfirmed from Douyin's item list"


def _schedule(settings: Settings, run: starts.Start, *, paused: bool, note: str) -> Schedule:
    every = timedelta(minutes=settings.publish_sweep_minutes)
    return Schedule(
        action=starts.schedule_action(run, settings),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        # A sweep missed while the server was down is simply the next one's work.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=every),
        state=ScheduleState(note=note, paused=paused),
    )


async def ensure_publish_sweep_schedule(client: Client, settings: Settings) -> ScheduleHandle:
    sweep = SweepInput(stale_after_seconds=settings.publish_sweep_stale_minutes * 60)
    run = starts.publish_sweep(sweep, queue_prefix=settings.task_queue_prefix)
    schedule_id = ids.publish_sweep_schedule_id(settings.task_queue_prefix)
    try:
        await client.create_schedule(
            schedule_id,
            _schedule(settings, run, paused=settings.publish_sweep_paused, note=NOTE),
            search_attributes=run.tags,
        )
        return client.get_schedule_handle(schedule_id)
    except ScheduleAlreadyRunningError:
        pass

    def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
        state = current.description.schedule.state
        schedule = _schedule(settings, run, paused=state.paused, note=state.note or NOTE)
        return ScheduleUpdate(schedule=schedule, search_attributes=run.tags)

    handle = client.get_schedule_handle(schedule_id)
    await handle.update(refreshed)
    return handle
