"""Metrics sync against the sandbox over HTTP: growing series, density, refresh, schedule, tenant isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.db.metrics_tables import MetricSnapshot
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douyin_sandbox.testing import PERSONAL_OPEN_ID
from models.metrics import MetricsSyncInput, MetricsSyncResult
from tests.support.auth import TestUser
from tests.support.metrics import MetricsEnv, metrics_env, publish_items
from tests.support.publishing import bind_account

pytestmark = pytest.mark.timeout(90)
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
    # One real second is an hour on the sandbox's statistics clock, so numbers grow between two syncs.
    async with metrics_env(
        temporal_env.client, database_url, tmp_path_factory.mktemp("metrics"), sessionmaker, time_scale=3600
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(env: MetricsEnv) -> TestUser:
    return await env.user("metrics")


@pytest.fixture(scope="module")
async def account(env: MetricsEnv, owner: TestUser) -> str:
    account_id = await bind_account(
        env.sessionmaker, env.settings, env.sandbox, owner.tenant_id, PERSONAL_OPEN_ID
    )
    await publish_items(env.sandbox, PERSONAL_OPEN_ID, TITLES)
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


async def test_two_syncs_store_growing_dense_series_and_keep_raw_payloads(
    env: MetricsEnv, owner: TestUser, account: str
) -> None:
    first = await env.sync(owner, account)
    await asyncio.sleep(1.2)
    second = await env.sync(owner, account)

    assert (first["items"], first["snapshots"]) == (len(TITLES), len(TITLES))
    assert (second["items"], second["snapshots"]) == (len(TITLES), len(TITLES))  # young: every sync kept
    items = {item["item_id"]: item for item in await env.sandbox.items(PERSONAL_OPEN_ID)}
    grew = 0
    for item_id in items:
        points = (await series(env, owner, item_id))["points"]
        assert len(points) == 2
        earlier, later = points[0]["counts"], points[1]["counts"]
        assert all(later[key] >= earlier[key] for key in ("play", "digg", "comment", "share", "download"))
        grew += later["play"] > earlier["play"]
        assert points[0]["captured_at"] < points[1]["captured_at"]
    assert grew >= 1
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
    schedule = await temporal_env.client.get_schedule_handle(f"metrics-{account}").describe()
    action = schedule.schedule.action
    assert getattr(action, "id", None) == f"metrics-sync-{account}"
    assert getattr(action, "task_queue", None) == queue(env.settings, ORCHESTRATION)


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
