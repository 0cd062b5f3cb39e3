"""Builds the connector's publishing activities from settings; the worker calls this once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.client import DouyinClient
from activities.douyin.publish_activities import DouyinPublishActivities
from activities.douyin.token_store import build_token_store
from douflow.media import LocalMediaStore
from douflow.settings import Settings

# Enough for many accounts' uploads at once; each account is bounded by the limiter, not by the pool.
HTTP_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


@dataclass
class PublishConnector:
    activities: DouyinPublishActivities
    http: httpx.AsyncClient

    def registered(self) -> list[Callable[..., Any]]:
        a = self.activities
        return [
            a.upload_publish_video,
            a.upload_publish_image,
            a.create_douyin_item,
            a.find_douyin_item,
            a.douyin_review_state,
        ]

    async def aclose(self) -> None:
        await self.http.aclose()


def build_publish_connector(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> PublishConnector:
    http = httpx.AsyncClient(limits=HTTP_LIMITS)  # no retry transport: Temporal owns retries
    client = DouyinClient(
        http,
        settings.douyin_base_url,
        settings.douyin_client_key,
        settings.douyin_client_secret.get_secret_value(),
        simple_upload_threshold=settings.douyin_simple_upload_threshold_bytes,
        chunk_size=settings.douyin_upload_chunk_bytes,
    )
    tokens = build_token_store(settings, sessionmaker, client)
    activities = DouyinPublishActivities(
        client,
        tokens,
        LocalMediaStore(settings.media_dir),
        AccountLimiter(settings.douyin_account_concurrency),
    )
    return PublishConnector(activities=activities, http=http)
