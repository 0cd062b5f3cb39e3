"""Metrics fixtures: a sandbox of the module's own, a stack pointed at it, items published straight into it.

Modules freeze the sandbox's clock in the past before publishing and advance it themselves (see
douyin_sandbox/clock.py), so the numbers they read do not depend on how long the suite takes.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from activities.douyin.client import DouyinClient
from douflow.db.tables import Publish
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from tests.conftest import make_settings
from tests.support.auth import TestUser, user_with_token
from tests.support.publishing import image_post, png_bytes
from tests.support.stack import running_stack

STAT_KEYS = ("play", "digg", "comment", "share", "download", "forward")


@dataclass
class MetricsEnv:
    sandbox: RunningSandbox
    settings: Settings
    http: httpx.AsyncClient
    sessionmaker: async_sessionmaker[AsyncSession]

    async def user(self, prefix: str, role: str = "operator") -> TestUser:
        """A user of a fresh tenant, so every number the test reads is its own."""
        slug = f"{prefix}-{uuid.uuid4().hex[:8]}"
        return await user_with_token(self.http, self.sessionmaker, slug, f"{prefix}-user", role)  # type: ignore[arg-type]

    async def sync(self, user: TestUser, account_id: str) -> dict[str, Any]:
        response = await self.http.post(
            f"/api/v1/metrics/accounts/{account_id}/sync", params={"wait": "true"}, headers=user.headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["result"]
        assert result["status"] == "synced", result
        return result


@contextlib.asynccontextmanager
async def metrics_env(
    client: Client,
    database_url: str,
    tmp: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    **sandbox_config: Any,
) -> AsyncIterator[MetricsEnv]:
    """Own sandbox (so its time scale and items are the test's alone) and own workers and BFF."""
    config = SandboxConfig(review_delay=0.0, **sandbox_config)
    async with running_sandbox(config) as sandbox:
        settings = make_settings(
            tmp,
            database_url,
            client.service_client.config.target_host,
            douyin_base_url=sandbox.base_url,
            douyin_client_key=config.client_key,
            douyin_client_secret=config.client_secret,
        )
        async with (
            running_stack(client, settings) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=90) as http,
        ):
            yield MetricsEnv(sandbox=sandbox, settings=settings, http=http, sessionmaker=sessionmaker)


async def publish_items(sandbox: RunningSandbox, open_id: str, titles: list[str]) -> list[str]:
    """Image-text items created directly in the sandbox (as if posted from the Douyin app)."""
    tokens = await sandbox.issue_tokens(open_id)
    async with httpx.AsyncClient() as http:
        client = DouyinClient(http, sandbox.base_url, sandbox.config.client_key, sandbox.config.client_secret)
        item_ids = []
        for index, title in enumerate(titles):
            image = await client.upload_image(
                tokens["access_token"], open_id, png_bytes(color=(index * 9 % 255, 80, 120)), "p.png"
            )
            item = await client.create_image_text(tokens["access_token"], open_id, [image.image_id], title)
            item_ids.append(item.item_id)
    return item_ids


async def link_to_content(
    env: MetricsEnv, user: TestUser, account_id: str, item_id: str, title: str, status: str = "published"
) -> str:
    """Makes the item ours: an image_post content and the publish that produced it."""
    media = LocalMediaStore(env.settings.media_dir)
    content_id = await image_post(
        env.sessionmaker, media, user.tenant_id, user.user_id, title=title, images=1
    )
    async with env.sessionmaker() as session:
        session.add(
            Publish(
                tenant_id=user.tenant_id,
                content_id=content_id,
                account_id=account_id,
                workflow_id=f"publish-{content_id}-{account_id}",
                status=status,
                item_id=item_id if status == "published" else None,
                media_type="image_text",
                history=[],
                created_by=user.user_id,
            )
        )
        await session.commit()
    return content_id


def stats_sum(items: list[dict[str, Any]]) -> dict[str, int]:
    """Sum of the sandbox's own statistics of these items (its admin view)."""
    return {key: sum(int(item["statistics"][f"{key}_count"]) for item in items) for key in STAT_KEYS}
