"""The connector's metrics activity: one page of the account's items with statistics (seed 8).

The list gives discovery and paging; video_data gives the statistics and the raw rows kept as snapshots.
Both are reads, so an expired token is refreshed and the page fetched again (ConnectorCalls._call).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from temporalio import activity

from activities.douyin.calls import ConnectorCalls
from activities.douyin.client import VideoItem
from activities.douyin.token_store import Credentials
from douflow.db.base import utcnow
from models.douyin_accounts import AccountRef
from models.metrics import FetchPage, ItemStats, MetricCounts, MetricsPage

log = logging.getLogger(__name__)


class MetricsCalls(ConnectorCalls):
    """Reading an account's items and their statistics."""

    @activity.defn
    async def fetch_metrics_page(self, request: FetchPage) -> MetricsPage:
        """One list page (newest first) with each item's statistics from video_data."""

        async def fetch(c: Credentials) -> MetricsPage:
            page = await self._client.video_list(c.access_token, c.open_id, request.cursor, request.count)
            ids = [item.item_id for item in page.items]
            rows = await self._client.video_data_rows(c.access_token, c.open_id, ids) if ids else []
            by_id = {str(row.get("item_id")): row for row in rows}
            items = [_stats(item, by_id.get(item.item_id)) for item in page.items]
            return MetricsPage(items=items, cursor=page.cursor, has_more=page.has_more, fetched_at=utcnow())

        account = AccountRef(tenant_id=request.tenant_id, account_id=request.account_id)
        return await self._call(account, fetch, bounded=False)


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
