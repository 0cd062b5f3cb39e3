"""The Temporal Schedule that runs MetricsSyncWorkflow for one bound account (client side, not workflow code).

`ensure_metrics_schedule` is idempotent, so binding, re-binding and the manual sync endpoint can all call it.
Accounts start at an offset inside the interval derived from their id, so many accounts bound together do
not all sync in the same second.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleHandle,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from douflow.settings import Settings
from douflow.temporal import DOUYIN_ACCOUNT_ID, FEATURE, ORCHESTRATION, TENANT_ID, queue
from models.metrics import MetricsSyncInput
from workflows.metrics_policies import SYNC_WORKFLOW_TIMEOUT

SYNC_INTERVAL = timedelta(minutes=30)
# A sync missed while the server was down is made up only if the server is back within this window.
CATCHUP_WINDOW = timedelta(minutes=10)
METRICS_FEATURE = "metrics_sync"
WORKFLOW_NAME = "MetricsSyncWorkflow"


def metrics_schedule_id(account_id: str) -> str:
    return f"metrics-{account_id}"


def metrics_sync_workflow_id(account_id: str) -> str:
    """The id of a manual sync; scheduled runs get it with the scheduled time appended."""
    return f"metrics-sync-{account_id}"


def sync_search_attributes(tenant_id: str, account_id: str) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [
            SearchAttributePair(TENANT_ID, tenant_id),
            SearchAttributePair(DOUYIN_ACCOUNT_ID, account_id),
            SearchAttributePair(FEATURE, METRICS_FEATURE),
        ]
    )


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
    paused: bool = False,
) -> ScheduleHandle:
    """Creates the account's sync schedule unless it exists; returns its handle either way."""
    schedule_id = metrics_schedule_id(account_id)
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            WORKFLOW_NAME,
            MetricsSyncInput(tenant_id=tenant_id, account_id=account_id),
            id=metrics_sync_workflow_id(account_id),
            task_queue=queue(settings, ORCHESTRATION),
            execution_timeout=SYNC_WORKFLOW_TIMEOUT,
            typed_search_attributes=sync_search_attributes(tenant_id, account_id),
        ),
        spec=ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=interval, offset=_offset(account_id, interval))]
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP_WINDOW),
        state=ScheduleState(
            note=f"metrics sync of douyin account {account_id} (tenant {tenant_id})", paused=paused
        ),
    )
    try:
        await client.create_schedule(
            schedule_id, schedule, search_attributes=sync_search_attributes(tenant_id, account_id)
        )
    except ScheduleAlreadyRunningError:
        pass  # already there: binding twice or a manual sync must not fail
    return client.get_schedule_handle(schedule_id)


async def delete_metrics_schedule(client: Client, account_id: str) -> None:
    """For unbinding: stops future syncs; an unknown schedule is already gone."""
    try:
        await client.get_schedule_handle(metrics_schedule_id(account_id)).delete()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
