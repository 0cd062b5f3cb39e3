"""The Temporal Schedule that runs MetricsSyncWorkflow for one bound account.

`ensure_metrics_schedule` is idempotent, so binding, re-binding and the manual sync endpoint can all call it;
a schedule made by an earlier release is brought up to today's definition in place. Accounts start at an
offset inside the interval derived from their id, so many accounts bound together do not all sync in the
same second.
"""

from __future__ import annotations

import hashlib
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
from temporalio.service import RPCError, RPCStatusCode

from douflow.settings import Settings
from douflow.temporal import ids, starts
from models.metrics import MetricsSyncInput

SYNC_INTERVAL = timedelta(minutes=30)
# A sync missed while the server was down is made up only if the server is back within this window.
CATCHUP_WINDOW = timedelta(minutes=10)


def _offset(account_id: str, interval: timedelta) -> timedelta:
    seconds = int(interval.total_seconds())
    digest = int.from_bytes(hashlib.sha256(account_id.encode()).digest()[:4], "big")
    return timedelta(seconds=digest % seconds)


def _schedule(
    settings: Settings, run: starts.Start, account_id: str, interval: timedelta, *, paused: bool, note: str
) -> Schedule:
    return Schedule(
        action=starts.schedule_action(run, settings),
        spec=ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=interval, offset=_offset(account_id, interval))]
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP_WINDOW),
        state=ScheduleState(note=note, paused=paused),
    )


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
    schedule_id = ids.metrics_schedule_id(account_id)
    run = starts.metrics_sync(MetricsSyncInput(tenant_id=tenant_id, account_id=account_id))
    note = f"metrics sync of douyin account {account_id} (tenant {tenant_id})"
    try:
        await client.create_schedule(
            schedule_id,
            _schedule(
                settings, run, account_id, interval, paused=settings.metrics_schedule_paused, note=note
            ),
            search_attributes=run.tags,
        )
        return client.get_schedule_handle(schedule_id)
    except ScheduleAlreadyRunningError:
        pass  # binding twice or a manual sync must not fail; refresh its action instead

    def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
        # Whether it is paused, and why, may be an operator's doing in the Temporal UI: both are kept.
        state = current.description.schedule.state
        schedule = _schedule(
            settings, run, account_id, interval, paused=state.paused, note=state.note or note
        )
        return ScheduleUpdate(schedule=schedule, search_attributes=run.tags)

    handle = client.get_schedule_handle(schedule_id)
    await handle.update(refreshed)
    return handle


async def delete_metrics_schedule(client: Client, account_id: str) -> None:
    """For unbinding: stops future syncs; an unknown schedule is already gone."""
    try:
        await client.get_schedule_handle(ids.metrics_schedule_id(account_id)).delete()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
