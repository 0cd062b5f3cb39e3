"""The Temporal Schedule that settles every tenant's stale publishes (PublishSweepWorkflow).

Ensured whenever an orchestration worker starts (one per task-queue prefix), so a deployment needs no
setup step.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, ScheduleHandle

from douflow.settings import Settings
from douflow.temporal import ids, starts
from douflow.temporal.schedules.interval import Interval, ensure_interval_schedule
from models.publish import SweepInput

NOTE = "settles publishes left under review or unconfirmed from Douyin's item list"


async def ensure_publish_sweep_schedule(client: Client, settings: Settings) -> ScheduleHandle:
    sweep = SweepInput(stale_after_seconds=settings.publish_sweep_stale_minutes * 60)
    run = starts.publish_sweep(sweep, queue_prefix=settings.task_queue_prefix)
    every = timedelta(minutes=settings.publish_sweep_minutes)
    # A sweep missed while the server was down is simply the next one's work.
    interval = Interval(every=every, catchup=every)
    schedule_id = ids.publish_sweep_schedule_id(settings.task_queue_prefix)
    return await ensure_interval_schedule(
        client, settings, schedule_id, run, interval, paused=settings.publish_sweep_paused, note=NOTE
    )
