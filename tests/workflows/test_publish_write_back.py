"""A write-back that fails after Douyin accepted the item never lets the same publish post twice.

In this test's own content-center worker, `record_publish_event` refuses every write-back that follows the
create (non-retryably, as a database refusing the row would) until the test lets them through: an outage no
retry policy outlasts. Everything else is the real platform: dev server, BFF, database and sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.content.activities import ContentActivities
from activities.content.contract import ContentCenter
from activities.registration import activities_of
from api.gateway_bff.app import create_app
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal.client import queue
from douflow.temporal.queues import AGENT_CENTER, CONTENT_CENTER, DOUYIN_CONNECTOR, ORCHESTRATION
from douflow.testing.servers import running_uvicorn
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.publish import PublishEvent
from tests.support.auth import TestUser
from tests.support.polling import eventually
from tests.support.publishing import bind_account, image_post
from worker import build_workers

OPEN_ID = SANDBOX_USERS[1].open_id
BEFORE_CREATE = frozenset({"started", "validated"})


class RefusingStore:
    """Lets write-backs before the create through; refuses the rest while `refusing`."""

    def __init__(self, store: ContentActivities) -> None:
        self._store = store
        self.refusing = True
        self.refused: list[str] = []

    @activity.defn(name="record_publish_event")
    async def record_publish_event(self, event: PublishEvent) -> None:
        if self.refusing and event.event not in BEFORE_CREATE:
            self.refused.append(event.event)
            raise ApplicationError("the publishes table refused the row", non_retryable=True)
        await self._store.record_publish_event(event)


@contextlib.asynccontextmanager
async def platform(
    client: Client, settings: Settings, store: RefusingStore, content: ContentActivities
) -> AsyncIterator[str]:
    """Every service on the settings' queues, content-center's write-back replaced; yields the BFF's URL."""
    others = build_workers(client, settings, (ORCHESTRATION, AGENT_CENTER, DOUYIN_CONNECTOR))
    kept = [a for a in activities_of(content, ContentCenter) if a.__name__ != "record_publish_event"]
    others.workers.append(
        Worker(
            client, task_queue=queue(settings, CONTENT_CENTER), activities=[*kept, store.record_publish_event]
        )
    )
    task = asyncio.create_task(others.run())
    try:
        async with running_uvicorn(create_app(settings)) as base_url:
            yield base_url
    finally:
        await others.shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)


@pytest.mark.timeout(120)
async def test_a_failed_write_back_after_the_create_then_a_second_request_leaves_one_item(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
) -> None:
    async with running_sandbox(SandboxConfig(review_delay=1.0)) as sandbox:
        own = settings.model_copy(
            update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-", "douyin_base_url": sandbox.base_url}
        )
        account_id = await bind_account(sessionmaker, own, sandbox, operator.tenant_id, OPEN_ID)
        title = f"写回故障{uuid.uuid4().hex[:8]}"
        content_id = await image_post(
            sessionmaker, LocalMediaStore(own.media_dir), operator.tenant_id, operator.user_id, title=title
        )
        content = ContentActivities(sessionmaker)
        store = RefusingStore(content)
        request = {"content_id": content_id, "account_ids": [account_id]}
        async with (
            platform(temporal_env.client, own, store, content) as base_url,
            httpx.AsyncClient(base_url=base_url, headers=operator.headers, timeout=60) as http,
        ):
            first = await http.post("/api/v1/publish", json=request)
            assert first.status_code == 202, first.text

            async def refused_twice() -> bool:
                return len(store.refused) >= 2

            await eventually(refused_twice, within=30)

            again = await http.post("/api/v1/publish", json=request)
            assert again.status_code == 409, again.text
            assert again.json()["publish_id"] == first.json()["publishes"][0]["id"], "names the live run"

            store.refusing = False

            async def published() -> dict[str, Any] | None:
                view = (await http.get(f"/api/v1/publish/{first.json()['publishes'][0]['id']}")).json()
                return view if view["status"] == "published" else None

            view = await eventually(published, within=60)
        items = [item for item in await sandbox.items(OPEN_ID) if item["title"].startswith(title)]
        assert [item["item_id"] for item in items] == [view["item_id"]], "exactly one item on Douyin"
        assert store.refused[0] == "created"
        assert [e["event"] for e in view["history"]][:3] == ["started", "validated", "created"]
