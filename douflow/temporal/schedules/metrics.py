"""The Temporal Schedule that runs MetricsSyncWorkflow for one bound account.

`ensure_metrics_schedule` is idempotent, so binding, re-binding and the manual sync endpoint can all call it;
a schedule made by an earlier release is brought up to today's definition in place. Accounts start at an
offset inside the interval derived from their id, so many accounts bound together do not all sync in the
same second.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from temporalio.client import Client, ScheduleHandle
from temporalio.service import RPCError, RPCStatusCode

from douflow.settings import Settings
from douflow.temporal import ids, starts
from douflow.temporal.schedules.interval import Interval, ensure_interval_schedule
from models.metrics import MetricsSyncInput

SYNC_INTERVAL = timedelta(minutes=30)
# A sync missed while the server was down is made up only if the server is back within this window.
CATCHUP_WINDOW = timedelta(minutes=10)


def _offset(account_id: str, interval: timedelta) -> timedelta:
    seconds = int(interval.total_seconds())
    digest = int.from_bytes(hashlib.sha256(account_id.encode()).digest()[:4], "big")
    return timedelta(seconds=digest % seconds)


async def ensure_metrics_schedule(
    client: Client,
    settings: Settings,
    tenant_id: str,
    account_id: str,
    *,
    interval: timedelta = SYNC_INTERVAL,
) -> ScheduleHandle:
    """Creates the account's sync schedule, or brings an existing one up to date; returns its handle.

    A new schedule starts paused when the deployment says so (METRICS_SCHEDULE_PAUSED); an existing one
    keeps whether it is paused (an operator may have paused it in the Temporal UI).
    """
    run = starts.metrics_sync(MetricsSyncInput(tenant_id=tenant_id, account_id=account_id))
    note = f"metrics sync of douyin account {account_id} (tenant {tenant_id})"
    every = Interval(every=interval, catchup=CATCHUP_WINDOW, offset=_offset(account_id, interval))
    return await ensure_interval_schedule(
        client,
        settings,
        ids.metrics_schedule_id(account_id),
        run,
        every,
        paused=settings.metrics_schedule_paused,
        note=note,
    )


async def delete_metrics_schedule(client: Client, account_id: str) -> None:
    """For unbinding: stops future syncs; an unknown schedule is already gone."""
    try:
        await client.get_schedule_handle(ids.metrics_schedule_id(account_id)).delete()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
