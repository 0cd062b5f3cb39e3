"""The review dashboard against the sandbox's own counts, with filters, periods and tenant isolation."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.db.tables import Content
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID
from tests.support.auth import TestUser
from tests.support.metrics import (
    STAT_KEYS,
    MetricsEnv,
    link_to_content,
    metrics_env,
    publish_items,
    stats_sum,
)
from tests.support.publishing import bind_account

pytestmark = pytest.mark.timeout(90)
# Items are published a day ago (on both clocks) and read a day old: their counts have settled.
PUBLISHED_AGO = 86_400


@dataclass
class Seeded:
    accounts: dict[str, str]  # open_id → account id
    linked: set[str]  # item ids published through DouFlow (image_post contents)
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]


@pytest.fixture(scope="module")
async def env(
    temporal_env: WorkflowEnvironment,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[MetricsEnv]:
    # The sandbox's clock stands still while the dashboard is read (see `seeded`), so the sandbox's
    # numbers before and after the syncs bracket the dashboard's exactly.
    async with metrics_env(
        temporal_env.client, database_url, tmp_path_factory.mktemp("dashboard"), sessionmaker
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(env: MetricsEnv) -> TestUser:
    return await env.user("dash")


@pytest.fixture(scope="module")
async def seeded(env: MetricsEnv, owner: TestUser) -> Seeded:
    """Two accounts with items, two of them ours, one failed publish, some drafts; then one sync each."""
    await env.sandbox.freeze_clock(time.time() - PUBLISHED_AGO)
    accounts = {
        open_id: await bind_account(env.sessionmaker, env.settings, env.sandbox, owner.tenant_id, open_id)
        for open_id in (PERSONAL_OPEN_ID, ENTERPRISE_OPEN_ID)
    }
    personal = await publish_items(
        env.sandbox, PERSONAL_OPEN_ID, ["今天的早餐", "周末去爬山", "第一次做面包"]
    )
    await publish_items(env.sandbox, ENTERPRISE_OPEN_ID, ["新品拿铁上市", "店里的午后"])
    for item_id in personal[:2]:
        await link_to_content(env, owner, accounts[PERSONAL_OPEN_ID], item_id, "我们发布的图文")
    await link_to_content(env, owner, accounts[ENTERPRISE_OPEN_ID], "", "没发出去的图文", status="failed")
    async with env.sessionmaker() as session:
        for kind in ("titles", "titles", "video_script"):
            session.add(Content(id=str(uuid.uuid4()), tenant_id=owner.tenant_id, kind=kind, title="草稿",
                                topic="草稿", created_by=owner.user_id, compliance={"passed": True}))  # fmt: skip
        await session.commit()
    await env.sandbox.advance_clock(PUBLISHED_AGO)
    before = await env.sandbox.items()
    for account_id in accounts.values():
        await env.sync(owner, account_id)
    return Seeded(accounts=accounts, linked=set(personal[:2]), before=before, after=await env.sandbox.items())


async def dashboard(env: MetricsEnv, user: TestUser, **params: str) -> dict[str, Any]:
    response = await env.http.get("/api/v1/dashboard", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def between(value: dict[str, int], low: dict[str, int], high: dict[str, int]) -> bool:
    return all(low[key] <= value[key] <= high[key] for key in STAT_KEYS)


async def test_engagement_matches_the_sandbox_counts_by_account_and_kind(
    env: MetricsEnv, owner: TestUser, seeded: Seeded
) -> None:
    body = await dashboard(env, owner)

    totals = body["engagement"]["totals"]
    # Statistics only grow: what was synced lies between the sandbox's counts before and after the syncs.
    assert between(totals, stats_sum(seeded.before), stats_sum(seeded.after))
    assert totals["play"] > 0 and totals["engagement_rate"] is not None
    assert stats_sum(seeded.after)["play"] < stats_sum(seeded.before)["play"] * 1.5  # the bracket is tight
    assert {key: totals[key] for key in STAT_KEYS} == stats_sum(seeded.before) == stats_sum(seeded.after)
    for open_id, account_id in seeded.accounts.items():
        row = next(b for b in body["engagement"]["by_account"] if b["key"] == account_id)
        low, high = (
            stats_sum([i for i in items if i["open_id"] == open_id])
            for items in (seeded.before, seeded.after)
        )
        assert between(row["counts"], low, high)
    by_kind = {b["key"]: b["counts"] for b in body["engagement"]["by_kind"]}
    low, high = (
        stats_sum([i for i in items if i["item_id"] in seeded.linked])
        for items in (seeded.before, seeded.after)
    )
    assert between(by_kind["image_post"], low, high)
    assert by_kind["image_post"]["play"] + by_kind["external"]["play"] == totals["play"]
    assert sum(p["counts"]["play"] for p in body["engagement"]["by_period"]) == totals["play"]


async def test_contents_publishes_and_top_contents(env: MetricsEnv, owner: TestUser, seeded: Seeded) -> None:
    body = await dashboard(env, owner, period="week")

    contents = {(c["kind"], c["status"]): c["count"] for c in body["contents"]}
    assert contents == {("image_post", "draft"): 3, ("titles", "draft"): 2, ("video_script", "draft"): 1}
    assert body["publish_totals"] == {"published": 2, "failed": 1}
    top = body["top_contents"]
    assert len(top) == 5 and [t["counts"]["play"] for t in top] == sorted(
        (t["counts"]["play"] for t in top), reverse=True
    )
    assert {t["item_id"] for t in top if t["content_id"]} == seeded.linked
    assert len(body["engagement"]["by_period"]) == 1  # this week

    only_posts = await dashboard(env, owner, kind="image_post")
    one_account = await dashboard(env, owner, account_id=seeded.accounts[ENTERPRISE_OPEN_ID])
    assert {c["kind"] for c in only_posts["contents"]} == {"image_post"}
    assert {t["item_id"] for t in only_posts["top_contents"]} == seeded.linked
    assert one_account["publish_totals"] == {"failed": 1}
    assert [b["key"] for b in one_account["engagement"]["by_account"]] == [
        seeded.accounts[ENTERPRISE_OPEN_ID]
    ]


async def test_the_dashboard_of_another_tenant_shows_nothing_of_ours(
    env: MetricsEnv, owner: TestUser, seeded: Seeded
) -> None:
    stranger = await env.user("dash-stranger")

    theirs = await dashboard(env, stranger)
    foreign_account = await env.http.get(
        "/api/v1/dashboard",
        params={"account_id": seeded.accounts[PERSONAL_OPEN_ID]},
        headers=stranger.headers,
    )
    backwards = await env.http.get(
        "/api/v1/dashboard", params={"from": "2026-02-02", "to": "2026-02-01"}, headers=owner.headers
    )
    bad_kind = await env.http.get("/api/v1/dashboard", params={"kind": "poems"}, headers=owner.headers)

    assert theirs["engagement"]["totals"]["play"] == 0 and theirs["top_contents"] == []
    assert theirs["contents"] == [] and theirs["publishes"] == []
    assert foreign_account.status_code == 404
    assert (backwards.status_code, bad_kind.status_code) == (400, 422)
