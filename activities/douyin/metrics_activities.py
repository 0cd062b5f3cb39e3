"""delivery-connector-douyin activity of the metrics sync: one page of the account's items with statistics.

The list gives discovery and paging; video_data gives the statistics and the raw rows kept as snapshots.
Both are reads, so an expired token is refreshed and the page fetched again; every other failure leaves
as an ApplicationError typed like the publishing ones (models.publish names the types).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.douyin.client import DouyinClient, VideoItem
from activities.douyin.errors import (
    DouyinError,
    DouyinRateLimited,
    DouyinReauthRequired,
    DouyinTokenExpired,
    DouyinTransientError,
)
from activities.douyin.token_store import AccountUnavailable, Credentials, TokenStore, build_token_store
from douflow.db.base import utcnow
from douflow.settings import Settings
from models.metrics import ACCOUNT_UNAVAILABLE, FetchPage, ItemStats, MetricCounts, MetricsPage
from models.publish import DOUYIN_ERROR, DOUYIN_RATE_LIMITED, DOUYIN_TRANSIENT

log = logging.getLogger(__name__)
T = TypeVar("T")


class DouyinMetricsActivities:
    def __init__(self, client: DouyinClient, tokens: TokenStore) -> None:
        self._client = client
        self._tokens = tokens

    @activity.defn(name="fetch_metrics_page")
    async def fetch_metrics_page(self, request: FetchPage) -> MetricsPage:
        """One list page (newest first) with each item's statistics from video_data."""

        async def fetch(c: Credentials) -> MetricsPage:
            page = await self._client.video_list(c.access_token, c.open_id, request.cursor, request.count)
            ids = [item.item_id for item in page.items]
            rows = await self._client.video_data_rows(c.access_token, c.open_id, ids) if ids else []
            by_id = {str(row.get("item_id")): row for row in rows}
            items = [_stats(item, by_id.get(item.item_id)) for item in page.items]
            return MetricsPage(items=items, cursor=page.cursor, has_more=page.has_more, fetched_at=utcnow())

        return await self._call(request, fetch)

    async def _call(self, request: FetchPage, call: Callable[[Credentials], Awaitable[T]]) -> T:
        try:
            credentials = await self._tokens.fresh_credentials(request.tenant_id, request.account_id)
            try:
                return await call(credentials)
            except DouyinTokenExpired:
                log.info("token of douyin account %s expired during a sync; refreshing", request.account_id)
                credentials = await self._tokens.refresh(request.tenant_id, request.account_id)
                return await call(credentials)
        except AccountUnavailable as exc:
            raise ApplicationError(
                str(exc), exc.status, type=ACCOUNT_UNAVAILABLE, non_retryable=True
            ) from exc
        except DouyinRateLimited as exc:
            delay = timedelta(seconds=max(exc.retry_after, 1.0))
            raise ApplicationError(str(exc), type=DOUYIN_RATE_LIMITED, next_retry_delay=delay) from exc
        except (DouyinTransientError, DouyinTokenExpired) as exc:
            raise ApplicationError(str(exc), type=DOUYIN_TRANSIENT) from exc
        except DouyinReauthRequired as exc:
            # A missing scope or dead token: only a person reconnecting helps; the next sync will tell.
            raise ApplicationError(
                str(exc), exc.reason, type=ACCOUNT_UNAVAILABLE, non_retryable=True
            ) from exc
        except DouyinError as exc:
            # Quota, rejection or an unknown code: this run stops, the schedule tries again later.
            raise ApplicationError(str(exc), type=DOUYIN_ERROR, non_retryable=True) from exc


def _stats(listed: VideoItem, row: dict[str, Any] | None) -> ItemStats:
    """video_data's numbers when it answered for the item, else the list's; the raw row either way."""
    item = listed
    if row is not None:
        try:
            item = VideoItem.model_validate(row)
        except ValidationError:
            log.warning("unreadable video_data row for item %s; using the list's numbers", listed.item_id)
    raw = row if row is not None else listed.model_dump(mode="json")
    return ItemStats(
        item_id=listed.item_id,
        title=item.title or listed.title,
        media_type=item.media_type or listed.media_type,
        video_status=item.video_status,
        share_url=item.share_url or listed.share_url,
        create_time=item.create_time or listed.create_time,
        counts=MetricCounts.model_validate(item.statistics.model_dump()),
        raw=raw,
    )


@dataclass
class MetricsConnector:
    activities: DouyinMetricsActivities
    http: httpx.AsyncClient

    def registered(self) -> list[Callable[..., Any]]:
        return [self.activities.fetch_metrics_page]

    async def aclose(self) -> None:
        await self.http.aclose()


def build_metrics_connector(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> MetricsConnector:
    http = httpx.AsyncClient()  # no retry transport: Temporal owns retries
    client = DouyinClient(
        http,
        settings.douyin_base_url,
        settings.douyin_client_key,
        settings.douyin_client_secret.get_secret_value(),
    )
    tokens = build_token_store(settings, sessionmaker, client)
    return MetricsConnector(activities=DouyinMetricsActivities(client, tokens), http=http)
