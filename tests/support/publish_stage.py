"""A publish test's own stage: a sandbox with its own faults, task queues, workers and optionally a BFF."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from api.gateway_bff.app import create_app
from douflow.db.tables import Tenant
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.testing.servers import running_uvicorn
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.content import Actor
from models.publish import PublishResult
from tests.support.auth import TestUser
from tests.support.publishing import bind_account, image_post, publish_row, start_publish
from tests.support.stack import running_workers

OPEN_ID = SANDBOX_USERS[2].open_id
# What tests.support.publishing.image_post stores besides the title.
BODY, HASHTAGS = "照着这几条来，会省心很多。", ["#测试"]


@dataclass
class Stage:
    client: Client
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    sandbox: RunningSandbox
    user: TestUser
    account_id: str
    bff_url: str = ""

    @contextlib.asynccontextmanager
    async def declaration_off(self) -> AsyncIterator[None]:
        """The tenant's AI declaration line turned off for a while, then back on for the tests after."""
        await self._declare(False)
        try:
            yield
        finally:
            await self._declare(True)

    async def _declare(self, on: bool) -> None:
        async with self.sessionmaker() as session:
            await session.execute(
                update(Tenant).where(Tenant.id == self.user.tenant_id).values(ai_declaration=on)
            )
            await session.commit()

    async def post(self, prefix: str) -> tuple[str, str]:
        """A new image post: (content id, its title)."""
        title = f"{prefix}{uuid.uuid4().hex[:8]}"
        media = LocalMediaStore(self.settings.media_dir)
        user = self.user
        return await image_post(self.sessionmaker, media, user.tenant_id, user.user_id, title=title), title

    async def publish(
        self,
        content_id: str,
        *,
        window: float = 8,
        version: int | None = 1,
        workflow_id: str | None = None,
        review_max_polls: int = 30,
    ) -> tuple[str, PublishResult | ApplicationError]:
        actor = Actor(tenant_id=self.user.tenant_id, user_id=self.user.user_id)
        handle = await start_publish(
            self.client,
            self.settings,
            actor,
            content_id,
            self.account_id,
            review_max_polls=review_max_polls,
            reconcile_window_seconds=window,
            content_version=version,
            workflow_id=workflow_id,
        )
        assert handle.result_run_id is not None
        try:
            return handle.result_run_id, await handle.result()
        except WorkflowFailureError as exc:
            assert isinstance(exc.cause, ApplicationError)
            return handle.result_run_id, exc.cause

    async def items(self, title: str) -> list[dict[str, Any]]:
        return [i for i in await self.sandbox.items(OPEN_ID) if i["title"].startswith(title)]

    async def events(self, publish_id: str) -> list[str]:
        row = await publish_row(self.sessionmaker, publish_id)
        assert row is not None
        return [entry["event"] for entry in row.history]


@contextlib.asynccontextmanager
async def stage(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    user: TestUser,
    *,
    review_delay: float = 1.0,
    bff: bool = False,
    **faults: Any,
) -> AsyncIterator[Stage]:
    async with running_sandbox(SandboxConfig(review_delay=review_delay)) as sandbox:
        own = settings.model_copy(
            update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-", "douyin_base_url": sandbox.base_url}
        )
        account_id = await bind_account(sessionmaker, own, sandbox, user.tenant_id, OPEN_ID)
        if faults:
            await sandbox.set_faults(**faults)
        async with running_workers(temporal_env.client, own), contextlib.AsyncExitStack() as stack:
            base_url = await stack.enter_async_context(running_uvicorn(create_app(own))) if bff else ""
            yield Stage(temporal_env.client, own, sessionmaker, sandbox, user, account_id, base_url)
