"""PublishWorkflow against the Douyin sandbox over HTTP and a real dev server: the states a publish goes through."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from douflow.db.tables import Content, Publish
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from models.content import Actor
from models.publish import PublishResult
from tests.support.auth import TestUser
from tests.support.publishing import bind_account, image_post, start_publish, video_post
from tests.support.stack import running_workers

pytestmark = pytest.mark.timeout(90)


def unique_title(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@dataclass
class Publishing:
    """The operator, their bound enterprise account and what a publish test drives and inspects."""

    client: Client
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    sandbox: RunningSandbox
    media: LocalMediaStore
    operator: TestUser
    account_id: str

    async def image_post(self, title: str, images: int = 2) -> str:
        user = self.operator
        return await image_post(
            self.sessionmaker, self.media, user.tenant_id, user.user_id, title=title, images=images
        )

    async def video_post(self, title: str, size: int) -> str:
        user = self.operator
        return await video_post(
            self.sessionmaker, self.media, user.tenant_id, user.user_id, title=title, size=size
        )

    async def run(
        self, content_id: str, *, account_id: str | None = None, settings: Settings | None = None
    ) -> tuple[str, PublishResult | ApplicationError]:
        """Runs one publish to its end: (publish id, the result or the workflow's final error)."""
        actor = Actor(tenant_id=self.operator.tenant_id, user_id=self.operator.user_id)
        handle = await start_publish(
            self.client,
            settings or self.settings,
            actor,
            content_id,
            account_id or self.account_id,
            review_max_polls=30,
        )
        assert handle.result_run_id is not None
        try:
            return handle.result_run_id, await handle.result()
        except WorkflowFailureError as exc:
            assert isinstance(exc.cause, ApplicationError)
            return handle.result_run_id, exc.cause

    async def items(self, prefix: str, open_id: str = ENTERPRISE_OPEN_ID) -> list[dict[str, Any]]:
        """The account's sandbox items whose title starts with `prefix`."""
        return [item for item in await self.sandbox.items(open_id) if item["title"].startswith(prefix)]

    async def load(self, publish_id: str) -> tuple[Publish, Content]:
        async with self.sessionmaker() as session:
            publish = await session.get(Publish, publish_id)
            assert publish is not None
            content = await session.scalar(select(Content).where(Content.id == publish.content_id))
            assert content is not None
            return publish, content


@pytest.fixture(scope="module")
async def publishing(
    temporal_env: WorkflowEnvironment,
    bff_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    operator: TestUser,
) -> Publishing:
    account_id = await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, ENTERPRISE_OPEN_ID)
    media = LocalMediaStore(settings.media_dir)
    return Publishing(temporal_env.client, settings, sessionmaker, sandbox, media, operator, account_id)


async def test_image_text_goes_under_review_then_published_with_share_url(publishing: Publishing) -> None:
    title = unique_title("露营装备清单")
    content_id = await publishing.image_post(title, images=3)

    publish_id, result = await publishing.run(content_id)

    assert isinstance(result, PublishResult), result
    assert result.status == "published"
    assert result.share_url and result.share_url.startswith("https://")
    items = await publishing.items(title)
    assert [i["item_id"] for i in items] == [result.item_id]
    assert items[0]["media_type"] == 2 and len(items[0]["media_ids"]) == 3
    publish, content = await publishing.load(publish_id)
    statuses = [entry["status"] for entry in publish.history]
    assert statuses[0] == "publishing" and "under_review" in statuses and statuses[-1] == "published"
    assert (publish.status, publish.item_id, publish.share_url) == (
        "published",
        result.item_id,
        result.share_url,
    )
    assert publish.published_at is not None and publish.media_type == "image_text"
    assert content.status == "published"


@contextlib.asynccontextmanager
async def small_chunk_workers(publishing: Publishing) -> AsyncIterator[Settings]:
    """Workers that split uploads into 64 KB parts, and a sandbox that refuses simple uploads above 100 KB."""
    sandbox = publishing.sandbox
    before = await sandbox.admin("GET", "config")
    await sandbox.update_config(min_part_bytes=64 * 1024, simple_upload_max_bytes=100 * 1024)
    chunked = publishing.settings.model_copy(
        update={
            "task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-",
            "douyin_simple_upload_threshold_bytes": 96 * 1024,
            "douyin_upload_chunk_bytes": 64 * 1024,
        }
    )
    try:
        async with running_workers(publishing.client, chunked):
            yield chunked
    finally:
        await sandbox.update_config(
            min_part_bytes=before["min_part_bytes"], simple_upload_max_bytes=before["simple_upload_max_bytes"]
        )


async def test_video_over_the_threshold_is_uploaded_in_parts_and_published(publishing: Publishing) -> None:
    title = unique_title("三分钟学会拿铁拉花")
    size = 300 * 1024  # five parts; the sandbox refuses it as a simple upload
    content_id = await publishing.video_post(title, size)

    async with small_chunk_workers(publishing) as chunked:
        _, result = await publishing.run(content_id, settings=chunked)

    assert isinstance(result, PublishResult), result
    assert result.status == "published" and result.share_url
    items = await publishing.items(title)
    assert len(items) == 1 and items[0]["media_type"] == 4


async def test_banned_word_is_rejected_by_review_with_reason(publishing: Publishing) -> None:
    title = unique_title("违禁好物推荐")
    content_id = await publishing.image_post(title)

    publish_id, result = await publishing.run(content_id)

    assert isinstance(result, ApplicationError) and result.type == "PublishRejected"
    publish, content = await publishing.load(publish_id)
    assert publish.status == "rejected" and "review did not pass" in (publish.status_reason or "")
    assert publish.item_id is not None
    assert [entry["status"] for entry in publish.history][-2:] == ["under_review", "rejected"]
    assert content.status == "rejected"
    items = await publishing.items(title)
    assert len(items) == 1 and items[0]["video_status"] == 2


async def test_word_refused_at_create_is_rejected_with_the_platform_reason(publishing: Publishing) -> None:
    title = unique_title("敏感拦截词")
    content_id = await publishing.image_post(title)
    await publishing.sandbox.update_config(create_blocked_words=["敏感拦截词"])
    try:
        publish_id, result = await publishing.run(content_id)
    finally:
        await publishing.sandbox.update_config(create_blocked_words=[])

    assert isinstance(result, ApplicationError) and result.type == "PublishRejected"
    publish, _ = await publishing.load(publish_id)
    assert publish.status == "rejected" and "敏感拦截词" in (publish.status_reason or "")
    assert await publishing.items(title) == []


@pytest.mark.parametrize(
    ("title", "images", "expected"),
    [
        ("这是一个远远超过抖音三十个字标题限制的标题，用来验证发布前的校验真的会拦下它", 2, "title has"),
        ("没有任何图片的图文", 0, "no media"),
        ("图片太多的图文", 31, "31 images"),
    ],
)
async def test_invalid_content_fails_with_reason_and_creates_nothing(
    publishing: Publishing, title: str, images: int, expected: str
) -> None:
    before = len(await publishing.sandbox.items(ENTERPRISE_OPEN_ID))
    marked = unique_title(title[:18])
    content_id = await publishing.image_post(marked + title[18:], images=images)

    publish_id, result = await publishing.run(content_id)

    assert isinstance(result, ApplicationError) and result.type == "PublishFailed"
    publish, content = await publishing.load(publish_id)
    assert publish.status == "failed" and expected in (publish.status_reason or "")
    assert publish.item_id is None and content.status == "failed"
    assert len(await publishing.sandbox.items(ENTERPRISE_OPEN_ID)) == before


async def test_expired_token_mid_flow_is_refreshed_and_the_publish_continues(publishing: Publishing) -> None:
    sandbox, tenant_id = publishing.sandbox, publishing.operator.tenant_id
    account = await bind_account(
        publishing.sessionmaker, publishing.settings, sandbox, tenant_id, PERSONAL_OPEN_ID
    )
    await sandbox.set_faults(expire_tokens=[PERSONAL_OPEN_ID])  # stored expiry still says "valid"
    title = unique_title("周末家常菜")
    content_id = await publishing.image_post(title)

    _, result = await publishing.run(content_id, account_id=account)

    assert isinstance(result, PublishResult) and result.status == "published", result
    assert len(await publishing.items(title, PERSONAL_OPEN_ID)) == 1


async def test_lost_create_reply_is_reconciled_to_the_one_item(publishing: Publishing) -> None:
    """Every create commits and then loses its reply: the workflow must find the item, not post again."""
    title = unique_title("回执丢失也只发一次")
    content_id = await publishing.image_post(title)
    await publishing.sandbox.set_faults(fail_after_commit_ratio=1.0, fail_after_commit_mode="drop")
    try:
        publish_id, result = await publishing.run(content_id)
    finally:
        await publishing.sandbox.set_faults(fail_after_commit_ratio=0.0)

    assert isinstance(result, PublishResult) and result.status == "published", result
    items = await publishing.items(title)
    assert [i["item_id"] for i in items] == [result.item_id]
    publish, _ = await publishing.load(publish_id)
    events = [entry["event"] for entry in publish.history]
    assert "create_outcome_unknown" in events and "reconciled_found" in events
