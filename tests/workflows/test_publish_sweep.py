"""Publishes their run left open are settled later: by the sweeper from Douyin's list, or by an operator.

Each test has its own sandbox, task queues and workers (and BFF where an operator acts); the sweep is
started by the test, as its schedule would (the schedule itself is paused in tests).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.content.drafts import AI_DECLARATION, compose_text
from douflow.settings import Settings
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douflow.temporal.schedules.publish_sweep import ensure_publish_sweep_schedule
from models.publish import PublishResult, SweepInput, SweepResult
from tests.support.auth import TestUser
from tests.support.polling import eventually
from tests.support.publish_stage import BODY, HASHTAGS, OPEN_ID, Stage, stage
from tests.support.publishing import publish_row

pytestmark = pytest.mark.timeout(90)

UNCONFIRMABLE = {"fail_after_commit_ratio": 1.0, "retired_endpoints": ["video_list"]}


async def sweep(s: Stage, *publish_ids: str) -> SweepResult:
    arg = SweepInput(tenant_id=s.user.tenant_id, publish_ids=list(publish_ids), stale_after_seconds=0)
    result: SweepResult = await s.client.execute_workflow(
        "PublishSweepWorkflow",
        arg,
        id=f"publish-sweep-test-{uuid.uuid4().hex[:8]}",
        task_queue=queue(s.settings, ORCHESTRATION),
        result_type=SweepResult,
    )
    return result


async def reviewed(s: Stage, title: str) -> list[dict[str, Any]]:
    """The post's items once Douyin's review of every one of them is over."""

    async def probe() -> list[dict[str, Any]] | None:
        items = await s.items(title)
        return items if items and all(i["is_reviewed"] for i in items) else None

    found: list[dict[str, Any]] = await eventually(probe, within=20)
    return found


async def unconfirmed(s: Stage, prefix: str) -> tuple[str, str]:
    """A publish whose create reply was lost while the item list could not confirm: (publish id, title)."""
    content_id, title = await s.post(prefix)
    publish_id, result = await s.publish(content_id)
    assert isinstance(result, PublishResult) and result.status == "unconfirmed", result
    await s.sandbox.set_faults(fail_after_commit_ratio=0.0, retired_endpoints=[], drop_before_work={})
    return publish_id, title


async def test_a_publish_left_under_review_is_settled_by_the_sweep(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator, review_delay=3600) as s:
        frozen = await s.sandbox.freeze_clock()
        content_id, title = await s.post("审核久")
        publish_id, result = await s.publish(content_id, review_max_polls=1)
        assert isinstance(result, PublishResult) and result.status == "under_review", result

        await s.sandbox.advance_clock(3601)
        swept = await sweep(s, publish_id)

        assert swept.settled == {"published": 1} and not swept.left, swept
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None and row.status == "published" and row.item_id == result.item_id
        assert row.share_url and row.history[-1]["event"] == "settled" and row.history[-1]["by"] == "sweeper"
        assert frozen > 0 and len(await s.items(title)) == 1


async def test_an_unconfirmed_publish_is_settled_once_the_list_shows_its_item(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator, **UNCONFIRMABLE) as s:
        publish_id, title = await unconfirmed(s, "待确认后找到")
        [item] = await reviewed(s, title)

        swept = await sweep(s, publish_id)

        assert swept.settled == {"published": 1}, swept
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None and row.status == "published" and row.item_id == item["item_id"]


async def test_the_sweep_looks_for_the_text_that_was_sent_even_after_the_declaration_was_turned_off(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator, **UNCONFIRMABLE) as s:
        publish_id, title = await unconfirmed(s, "发送后关声明")
        async with s.declaration_off():
            [item] = await reviewed(s, title)

            swept = await sweep(s, publish_id)

        assert swept.settled == {"published": 1}, swept
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None and row.status == "published" and row.item_id == item["item_id"]


async def test_the_sweep_leaves_an_unconfirmed_publish_whose_only_match_was_posted_by_hand(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    faults = {"drop_before_work": {"create_image_text": 1}, "retired_endpoints": ["video_list"]}
    async with stage(temporal_env, settings, sessionmaker, operator, **faults) as s:
        publish_id, title = await unconfirmed(s, "只有手发的")
        text = compose_text(title, BODY, HASHTAGS, AI_DECLARATION)
        await s.sandbox.post_by_hand(OPEN_ID, text, created_at=await s.sandbox.now() + 600)

        swept = await sweep(s, publish_id)

        assert swept.left == [publish_id] and not swept.settled, swept
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None and row.status == "unconfirmed" and row.item_id is None


async def test_an_operator_settles_an_unconfirmed_publish_with_its_item_once_douyin_shows_it(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator, bff=True, **UNCONFIRMABLE) as s:
        publish_id, title = await unconfirmed(s, "人工确认")
        [item] = await reviewed(s, title)
        async with httpx.AsyncClient(base_url=s.bff_url, headers=operator.headers, timeout=60) as http:
            url = f"/api/v1/publish/{publish_id}/resolve"
            wrong = await http.post(url, json={"outcome": "published", "item_id": "@not-on-this-account"})
            assert wrong.status_code == 422 and "does not show item" in wrong.json()["detail"], wrong.text

            right = await http.post(url, json={"outcome": "published", "item_id": item["item_id"]})
            assert right.status_code == 200, right.text
            view = right.json()["publish"]
            assert view["status"] == "published" and view["item_id"] == item["item_id"]
            assert (
                view["history"][-1]["event"] == "resolved" and view["history"][-1]["by"] == operator.user_id
            )

            again = await http.post(url, json={"outcome": "not_published"})
            assert again.status_code == 409 and "only an unconfirmed publish" in again.json()["detail"]
            content_id = view["content_id"]
            audit = (await http.get(f"/api/v1/contents/{content_id}/audit")).json()
            resolved = [e for e in audit if e["action"] == "publish_resolved"]
            assert [e["detail"]["item_id"] for e in resolved] == ["@not-on-this-account", item["item_id"]]
            republish = await http.post(
                "/api/v1/publish", json={"content_id": content_id, "account_ids": [s.account_id]}
            )
            assert republish.status_code == 409 and republish.json()["publish_id"] == publish_id
        assert len(await s.items(title)) == 1


async def test_an_operator_says_not_on_douyin_and_publishes_again(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
    viewer: TestUser,
) -> None:
    faults = {"drop_before_work": {"create_image_text": 1}, "retired_endpoints": ["video_list"]}
    async with stage(temporal_env, settings, sessionmaker, operator, bff=True, **faults) as s:
        publish_id, title = await unconfirmed(s, "没发出去再发")
        async with httpx.AsyncClient(base_url=s.bff_url, timeout=60) as http:
            url = f"/api/v1/publish/{publish_id}/resolve"
            body = {"outcome": "not_published", "publish_again": True, "note": "账号里没有"}
            refused = await http.post(url, json=body, headers=viewer.headers)
            assert refused.status_code == 403

            settled = await http.post(url, json=body, headers=operator.headers)

            assert settled.status_code == 200, settled.text
            old, new = settled.json()["publish"], settled.json()["republished"]
            assert old["status"] == "failed" and "账号里没有" in old["status_reason"]
            assert new["id"] != publish_id and new["status"] == "publishing"

            async def done() -> dict[str, Any] | None:
                view = (await http.get(f"/api/v1/publish/{new['id']}", headers=operator.headers)).json()
                return view if view["status"] == "published" else None

            published = await eventually(done, within=45)
        assert [i["item_id"] for i in await s.items(title)] == [published["item_id"]]


async def test_the_sweep_schedule_is_created_paused_when_asked_and_keeps_an_operators_pause(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> None:
    own = settings.model_copy(update={"publish_sweep_paused": True, "task_queue_prefix": "sweep-test-"})
    handle = await ensure_publish_sweep_schedule(temporal_env.client, own)
    try:
        assert (await handle.describe()).schedule.state.paused
        awake = own.model_copy(update={"publish_sweep_paused": False, "publish_sweep_minutes": 5})
        await ensure_publish_sweep_schedule(temporal_env.client, awake)
        described = await handle.describe()
        assert described.schedule.state.paused, "an existing schedule keeps whether it is paused"
        every = described.schedule.spec.intervals[0].every
        assert every.total_seconds() == 300
    finally:
        await handle.delete()
