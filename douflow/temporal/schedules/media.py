"""The Temporal Schedule that runs MediaCleanupWorkflow every hour, one per deployment.

The orchestration worker ensures it when it starts: created on the first start (paused when the deployment
says so, MEDIA_CLEANUP_SCHEDULE_PAUSED), brought up to today's settings on every later one, keeping whether
an operator paused it.
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
from douflow.temporal import starts
from models.media import MediaCleanupInput

CLEANUP_INTERVAL = timedelta(hours=1)
# A cleanup missed while the server was down is made up only if the server is back within this window.
CATCHUP_WINDOW = timedelta(minutes=10)
NOTE = "removes uploads attached to no content after MEDIA_UNATTACHED_GRACE_HOURS"


def _schedule(settings: Settings, run: starts.Start, *, paused: bool, note: str) -> Schedule:
    return Schedule(
        action=starts.schedule_action(run, settings),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=CLEANUP_INTERVAL)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP_WINDOW),
        state=ScheduleState(note=note, paused=paused),
    )


async def ensure_media_cleanup_schedule(client: Client, settings: Settings) -> ScheduleHandle:
    """Creates the deployment's cleanup schedule, or brings an existing one up to date; returns its handle."""
    run = starts.media_cleanup(
        MediaCleanupInput(grace_hours=settings.media_unattached_grace_hours),
        queue_prefix=settings.task_queue_prefix,
    )
    paused = settings.media_cleanup_schedule_paused
    try:
        await client.create_schedule(
            run.id, _schedule(settings, run, paused=paused, note=NOTE), search_attributes=run.tags
        )
        return client.get_schedule_handle(run.id)
    except ScheduleAlreadyRunningError:
        pass

    def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
        state = current.description.schedule.state
        schedule = _schedule(settings, run, paused=state.paused, note=state.note or NOTE)
        return ScheduleUpdate(schedule=schedule, search_attributes=run.tags)

    handle = client.get_schedule_handle(run.id)
    await handle.update(refreshed)
    return handle
