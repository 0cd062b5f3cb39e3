"""What a publish does when it cannot know whether Douyin made its item, and when a key is already live.

Each test has its own sandbox (its faults stay its own) and task queues; everything is real: dev server,
workers, database, and the sandbox over HTTP. The proof is the sandbox's item list.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from douflow.content.drafts import AI_DECLARATION, compose_text
from douflow.db.base import utcnow
from douflow.db.tables import Content, ContentVersion, Publish
from douflow.settings import Settings
from douflow.temporal.errors import PUBLISH_DUPLICATE
from models.publish import UNKNOWN_CREATE, PublishResult
from tests.support.auth import TestUser
from tests.support.publish_stage import BODY, HASHTAGS, OPEN_ID, Stage, stage
from tests.support.publishing import publish_row

pytestmark = pytest.mark.timeout(90)


async def test_an_item_douyin_lists_late_after_a_lost_reply_is_found_not_posted_again(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    """The list shows a new item 4 s late; two looks 2 s apart would miss it and post a second one."""
    faults = {"fail_after_commit_ratio": 1.0, "fail_after_commit_mode": "drop", "list_lag_seconds": 4}
    async with stage(temporal_env, settings, sessionmaker, operator, **faults) as s:
        content_id, title = await s.post("列得晚也只发一次")
        publish_id, result = await s.publish(content_id, window=15)

        assert isinstance(result, PublishResult) and result.status == "published", result
        assert [i["item_id"] for i in await s.items(title)] == [result.item_id]
        events = await s.events(publish_id)
        assert events.count(UNKNOWN_CREATE) == 1 and "reconciled_found" in events


async def test_when_the_item_list_is_retired_a_lost_create_is_unconfirmed_and_never_reposted(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    """`video_list` answers 28001056 for some apps: nothing can confirm, so nothing is guessed."""
    faults = {"fail_after_commit_ratio": 1.0, "retired_endpoints": ["video_list"]}
    async with stage(temporal_env, settings, sessionmaker, operator, **faults) as s:
        content_id, title = await s.post("列表下线")
        publish_id, result = await s.publish(content_id)

        assert isinstance(result, PublishResult) and result.status == "unconfirmed", result
        assert result.reason and "cannot confirm" in result.reason and result.item_id is None
        assert len(await s.items(title)) == 1, "the one lost create, and no second"
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None and row.status == "unconfirmed" and row.item_id is None


async def test_a_same_text_post_made_by_hand_outside_the_attempt_is_not_taken_for_ours(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    """The create never arrived; the owner posted the same text by hand five minutes later (Douyin's clock)."""
    faults = {"drop_before_work": {"create_image_text": 1}}
    async with stage(temporal_env, settings, sessionmaker, operator, **faults) as s:
        content_id, title = await s.post("手动同文")
        text = compose_text(title, BODY, HASHTAGS, AI_DECLARATION)
        by_hand = await s.sandbox.post_by_hand(OPEN_ID, text, created_at=await s.sandbox.now() + 300)

        publish_id, result = await s.publish(content_id, window=4)

        assert isinstance(result, PublishResult) and result.status == "published", result
        assert result.item_id != by_hand["item_id"]
        assert sorted(i["item_id"] for i in await s.items(title)) == sorted(
            [by_hand["item_id"], result.item_id]
        )
        events = await s.events(publish_id)
        assert events.count(UNKNOWN_CREATE) == 1 and "same_text_not_ours" in events


async def _earlier_unknown_run(s: Stage, content_id: str, minutes_ago: int, sent: str | None = None) -> str:
    """The row a finished earlier run of this key left: its create's outcome stayed unknown, no item.

    `sent` is the text its create sent, as runs record it now; older runs recorded none.
    """
    publish_id = str(uuid.uuid4())
    unknown = {"seq": 1, "status": "publishing", "event": UNKNOWN_CREATE} | ({"text": sent} if sent else {})
    async with s.sessionmaker() as session:
        session.add(
            Publish(
                id=publish_id,
                tenant_id=s.user.tenant_id,
                content_id=content_id,
                content_version=1,
                account_id=s.account_id,
                workflow_id=f"publish-{content_id}-{s.account_id}",
                status="failed",
                status_reason="Douyin refused the post",
                history=[unknown],
                created_by=s.user.user_id,
                created_at=utcnow() - timedelta(minutes=minutes_ago),
            )
        )
        await session.commit()
    return publish_id


async def test_a_restart_after_an_unknown_outcome_finds_the_earlier_item_and_creates_nothing(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator) as s:
        content_id, title = await s.post("重启先对账")
        earlier = await _earlier_unknown_run(s, content_id, minutes_ago=30)
        made = await s.sandbox.post_by_hand(OPEN_ID, compose_text(title, BODY, HASHTAGS, AI_DECLARATION))

        publish_id, result = await s.publish(content_id)

        assert isinstance(result, PublishResult) and result.status == "unconfirmed", result
        assert result.reason and made["item_id"] in result.reason
        assert [i["item_id"] for i in await s.items(title)] == [made["item_id"]], "nothing new on Douyin"
        row = await publish_row(s.sessionmaker, publish_id)
        assert row is not None
        checked = next(e for e in row.history if e["event"] == "checking_earlier_runs")
        assert checked["publish_ids"] == [earlier]


async def test_a_restart_finds_the_earlier_item_by_the_text_it_sent_after_the_declaration_was_turned_off(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator) as s:
        content_id, title = await s.post("声明关掉后重启")
        declared = compose_text(title, BODY, HASHTAGS, AI_DECLARATION)
        await _earlier_unknown_run(s, content_id, minutes_ago=30, sent=declared)
        made = await s.sandbox.post_by_hand(OPEN_ID, declared)
        async with s.declaration_off():
            _, result = await s.publish(content_id)

        assert isinstance(result, PublishResult) and result.status == "unconfirmed", result
        assert result.reason and made["item_id"] in result.reason
        assert [i["item_id"] for i in await s.items(title)] == [made["item_id"]], "nothing new on Douyin"


async def test_a_restart_whose_earlier_run_made_nothing_publishes(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator) as s:
        content_id, title = await s.post("重启无遗留")
        await _earlier_unknown_run(s, content_id, minutes_ago=30)

        publish_id, result = await s.publish(content_id)

        assert isinstance(result, PublishResult) and result.status == "published", result
        assert [i["item_id"] for i in await s.items(title)] == [result.item_id]
        assert "earlier_runs_made_nothing" in await s.events(publish_id)


async def test_the_pinned_version_is_sent_even_after_an_edit(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with stage(temporal_env, settings, sessionmaker, operator) as s:
        content_id, title = await s.post("版本一")
        async with s.sessionmaker() as session:
            session.add(
                ContentVersion(
                    tenant_id=s.user.tenant_id,
                    content_id=content_id,
                    version=2,
                    title="版本二改过了",
                    body={"title": "版本二改过了", "body": "新的正文", "hashtags": []},
                    change="edited",
                    created_by=s.user.user_id,
                )
            )
            await session.execute(update(Content).where(Content.id == content_id).values(current_version=2))
            await session.commit()

        _, result = await s.publish(content_id, version=1)

        assert isinstance(result, PublishResult) and result.status == "published", result
        assert [i["item_id"] for i in await s.items(title)] == [result.item_id]
        assert not await s.items("版本二改过了")


async def test_a_second_live_publish_of_one_version_is_refused_once_temporal_has_forgotten_the_first(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    """Another workflow id (as after Temporal's retention) for the same key: the database says no."""
    async with stage(temporal_env, settings, sessionmaker, operator) as s:
        content_id, title = await s.post("库里去重")
        first_id, first = await s.publish(content_id, version=1)
        assert isinstance(first, PublishResult) and first.status == "published", first

        _, second = await s.publish(content_id, version=1, workflow_id=f"publish-{content_id}-later")

        assert isinstance(second, ApplicationError) and second.type == PUBLISH_DUPLICATE, second
        assert first_id in second.message and "already published" in second.message
        assert [i["item_id"] for i in await s.items(title)] == [first.item_id]
