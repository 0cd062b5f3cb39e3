"""Metrics sync against the sandbox over HTTP: growing series, density, refresh, schedule, tenant isolation.

The sandbox's clock is frozen two hours in the past when the items are published, then moved on only by
the tests: the numbers a sync reads are those of the age a test chose, never of how long the suite took.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import ScheduleActionExecutionStartWorkflow
from temporalio.testing import WorkflowEnvironment

from douflow.db.metrics_tables import MetricSnapshot
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douflow.temporal.schedules.metrics import ensure_metrics_schedule
from douyin_sandbox.testing import PERSONAL_OPEN_ID
from models.metrics import MetricsSyncInput, MetricsSyncResult
from tests.support.auth import TestUser
from tests.support.metrics import MetricsEnv, metrics_env, publish_items
from tests.support.polling import eventually
from tests.support.publishing import bind_account

pytestmark = pytest.mark.timeout(90)
# Items are published this long ago on both clocks, and are an hour old on the sandbox's when first read.
PUBLISHED_AGO = 2 * 3600
FIRST_AGE = 3600
BETWEEN_SYNCS = 1800
YEAR = timedelta(days=365)
TITLES = [
    "3分钟看懂手冲咖啡",
    "家庭收纳的5个细节，看完省心",
    "为什么你的绿萝总是黄叶？",
    "通勤穿搭清单：4件事提前做好",
]


@pytest.fixture(scope="module")
async def env(
    temporal_env: WorkflowEnvironment,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[MetricsEnv]:
    # The sandbox's time passes only when a test advances it (see `account`).
    async with metrics_env(
        temporal_env.client, database_url, tmp_path_factory.mktemp("metrics"), sessionmaker
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(env: MetricsEnv) -> TestUser:
    return await env.user("metrics")


@pytest.fixture(scope="module")
async def account(env: MetricsEnv, owner: TestUser) -> str:
    await env.sandbox.freeze_clock(time.time() - PUBLISHED_AGO)
    account_id = await bind_account(
        env.sessionmaker, env.settings, env.sandbox, owner.tenant_id, PERSONAL_OPEN_ID
    )
    await publish_items(env.sandbox, PERSONAL_OPEN_ID, TITLES)
    await env.sandbox.advance_clock(FIRST_AGE)
    return account_id


async def series(env: MetricsEnv, user: TestUser, item_id: str) -> dict[str, Any]:
    response = await env.http.get(
        f"/api/v1/metrics/items/{quote(item_id, safe='')}/series", headers=user.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def snapshot_count(env: MetricsEnv, tenant_id: str) -> int:
    async with env.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(MetricSnapshot).where(MetricSnapshot.tenant_id == tenant_id)
        )
    return int(count or 0)


async def snapshots_by_item(env: MetricsEnv, tenant_id: str) -> dict[str, int]:
    async with env.sessionmaker() as session:
        rows = await session.execute(
            select(MetricSnapshot.item_id, func.count())
            .where(MetricSnapshot.tenant_id == tenant_id)
            .group_by(MetricSnapshot.item_id)
        )
    return {item_id: int(count) for item_id, count in rows}


async def test_two_syncs_store_growing_dense_series_and_keep_raw_payloads(
    env: MetricsEnv, owner: TestUser, account: str
) -> None:
    items = {item["item_id"]: item for item in await env.sandbox.items(PERSONAL_OPEN_ID)}
    # Points other tests of the module stored before this one (none when it runs first).
    earlier_points = await snapshots_by_item(env, owner.tenant_id)
    first = await env.sync(owner, account)
    at_first = {item["item_id"]: item for item in await env.sandbox.items(PERSONAL_OPEN_ID)}
    await env.sandbox.advance_clock(BETWEEN_SYNCS)
    second = await env.sync(owner, account)
    at_second = {item["item_id"]: item for item in await env.sandbox.items(PERSONAL_OPEN_ID)}

    assert (first["items"], first["snapshots"]) == (len(TITLES), len(TITLES))
    assert (second["items"], second["snapshots"]) == (len(TITLES), len(TITLES))  # young: every sync kept
    grew = 0
    for item_id in items:
        points = (await series(env, owner, item_id))["points"]
        assert len(points) == earlier_points.get(item_id, 0) + 2
        earlier, later = points[-2]["counts"], points[-1]["counts"]
        assert all(later[key] >= earlier[key] for key in ("play", "digg", "comment", "share", "download"))
        grew += later["play"] > earlier["play"]
        assert points[-2]["captured_at"] < points[-1]["captured_at"]
        # Each sync stored exactly what the sandbox showed at that moment of its (frozen) clock.
        assert earlier["play"] == int(at_first[item_id]["statistics"]["play_count"])
        assert later["play"] == int(at_second[item_id]["statistics"]["play_count"])
    assert grew == len(items)  # half an hour more of an hour-old item's life: every one grew
    async with env.sessionmaker() as session:
        raw = await session.scalar(
            select(MetricSnapshot.raw).where(MetricSnapshot.tenant_id == owner.tenant_id)
        )
    assert raw is not None and "statistics" in raw and "item_id" in raw


async def test_items_past_the_dense_window_keep_one_snapshot_per_window(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, account: str
) -> None:
    before = await snapshot_count(env, owner.tenant_id)
    sparse = MetricsSyncInput(
        tenant_id=owner.tenant_id, account_id=account, dense_hours=0, sparse_hours=24 * 365, detect_hits=False
    )
    results = []
    for run in range(2):
        results.append(
            await temporal_env.client.execute_workflow(
                "MetricsSyncWorkflow",
                sparse,
                id=f"metrics-sparse-{account}-{run}",
                task_queue=queue(env.settings, ORCHESTRATION),
                result_type=MetricsSyncResult,
            )
        )

    assert [r.snapshots for r in results] == [len(TITLES), 0]
    assert await snapshot_count(env, owner.tenant_id) == before + len(TITLES)


async def test_an_expired_token_is_refreshed_and_the_schedule_exists(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, account: str
) -> None:
    await env.sandbox.set_faults(expire_tokens=[PERSONAL_OPEN_ID])

    result = await env.sync(owner, account)

    assert result["items"] == len(TITLES)
    handle = temporal_env.client.get_schedule_handle(f"metrics-{account}")
    schedule = await handle.describe()
    action = schedule.schedule.action
    assert getattr(action, "id", None) == f"metrics-sync-{account}"
    assert getattr(action, "task_queue", None) == queue(env.settings, ORCHESTRATION)
    # The test settings create it paused; triggered, it runs the account's sync like a manual one.
    assert schedule.schedule.state.paused and schedule.info.num_actions == 0
    await handle.trigger()

    async def started() -> ScheduleActionExecutionStartWorkflow | None:
        actions = (await handle.describe()).info.recent_actions
        run = actions[0].action if actions else None
        return run if isinstance(run, ScheduleActionExecutionStartWorkflow) else None

    run = await eventually(started)
    scheduled = await temporal_env.client.get_workflow_handle(
        run.workflow_id, run_id=run.first_execution_run_id, result_type=MetricsSyncResult
    ).result()
    assert run.workflow_id.startswith(f"metrics-sync-{account}-")
    assert (scheduled.status, scheduled.items) == ("synced", len(TITLES))


async def test_the_schedule_is_created_paused_only_when_configured(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser
) -> None:
    accounts = {paused: f"no-such-account-{uuid.uuid4().hex[:8]}" for paused in (False, True)}
    states = {}
    for paused, account_id in accounts.items():
        # A yearly interval, so the unpaused one cannot come due in the moment it exists.
        settings = env.settings.model_copy(update={"metrics_schedule_paused": paused})
        handle = await ensure_metrics_schedule(
            temporal_env.client, settings, owner.tenant_id, account_id, interval=YEAR
        )
        try:
            states[paused] = (await handle.describe()).schedule.state.paused
        finally:
            await handle.delete()

    assert states == {False: False, True: True}


async def test_account_series_and_summary_add_up_to_the_items_latest_counts(
    env: MetricsEnv, owner: TestUser, account: str
) -> None:
    await env.sync(owner, account)
    items = [item["item_id"] for item in await env.sandbox.items(PERSONAL_OPEN_ID)]
    latest = [(await series(env, owner, item_id))["item"]["counts"] for item_id in items]
    plays = sum(counts["play"] for counts in latest)

    account_series = await env.http.get(f"/api/v1/metrics/accounts/{account}/series", headers=owner.headers)
    summary = await env.http.get(
        "/api/v1/metrics/summary", params={"account_id": account}, headers=owner.headers
    )

    assert account_series.status_code == 200, account_series.text
    assert account_series.json()["points"][-1]["total"]["play"] == plays
    body = summary.json()
    assert body["totals"]["play"] == plays == body["growth"]["play"]
    assert body["items"] == len(TITLES)
    top = [item["growth"]["play"] for item in body["top_items"]]
    assert top == sorted(top, reverse=True) and len(top) == len(TITLES)


async def test_metrics_of_another_tenant_read_as_unknown(
    env: MetricsEnv, owner: TestUser, account: str
) -> None:
    stranger = await env.user("stranger")
    item_id = (await env.sandbox.items(PERSONAL_OPEN_ID))[0]["item_id"]
    s = stranger.headers

    responses = [
        await env.http.get(f"/api/v1/metrics/items/{quote(item_id, safe='')}/series", headers=s),
        await env.http.get(f"/api/v1/metrics/accounts/{account}/series", headers=s),
        await env.http.get("/api/v1/metrics/summary", params={"account_id": account}, headers=s),
        await env.http.post(f"/api/v1/metrics/accounts/{account}/sync", headers=s),
    ]
    summary = await env.http.get("/api/v1/metrics/summary", headers=s)

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert summary.status_code == 200 and summary.json()["totals"]["play"] == 0
    assert summary.json()["items"] == 0
