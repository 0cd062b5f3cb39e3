"""The Temporal Schedule that runs MediaCleanupWorkflow every hour, one per deployment.

The orchestration worker ensures it when it starts: created on the first start (paused when the deployment
says so, MEDIA_CLEANUP_SCHEDULE_PAUSED), brought up to today's settings on every later one, keeping whether
an operator paused it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, ScheduleHandle

from douflow.settings import Settings
from douflow.temporal import starts
from douflow.temporal.schedules.interval import Interval, ensure_interval_schedule
from models.media import MediaCleanupInput

CLEANUP_INTERVAL = timedelta(hours=1)
# A cleanup missed while the server was down is made up only if the server is back within this window.
CATCHUP_WINDOW = timedelta(minutes=10)
NOTE = "removes uploads attached to no content after MEDIA_UNATTACHED_GRACE_HOURS"


async def ensure_media_cleanup_schedule(client: Client, settings: Settings) -> ScheduleHandle:
    """Creates the deployment's cleanup schedule, or brings an existing one up to date; returns its handle."""
    run = starts.media_cleanup(
        MediaCleanupInput(grace_hours=settings.media_unattached_grace_hours),
        queue_prefix=settings.task_queue_prefix,
    )
    interval = Interval(every=CLEANUP_INTERVAL, catchup=CATCHUP_WINDOW)
    return await ensure_interval_schedule(
        client, settings, run.id, run, interval, paused=settings.media_cleanup_schedule_paused, note=NOTE
    )
