"""Read-only metrics queries for the BFF: item and account series and the period summary.

Every query filters by tenant first; an id of another tenant reads as unknown. Periods are local days
of the tenant's time zone, the same days the sync wrote the rollups in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.metrics import tenant_zone
from douflow.db.metrics_tables import DouyinItem, MetricDaily, MetricRollup, MetricSnapshot
from douflow.db.tables import DouyinAccount
from models.metrics import COUNTERS
from models.metrics_views import (
    AccountSeries,
    Counts,
    DayPoint,
    ItemInfo,
    ItemSeries,
    SeriesPoint,
    Summary,
    TopItem,
)

TOP_ITEMS = 10


def local_range(zone: ZoneInfo, from_day: date, to_day: date) -> tuple[datetime, datetime]:
    """[start of from_day, start of the day after to_day) in UTC."""
    start = datetime.combine(from_day, time.min, zone).astimezone(UTC)
    end = datetime.combine(to_day + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


def sums(table: Any) -> list[Any]:
    """SUM of each counter column of a daily table, labelled with the counter's name."""
    return [func.coalesce(func.sum(table.c[key]), 0).label(key) for key in COUNTERS]


def item_info(item: DouyinItem) -> ItemInfo:
    return ItemInfo(
        item_id=item.item_id,
        account_id=item.account_id,
        title=item.title,
        content_id=item.content_id,
        content_kind=item.content_kind,
        media_type=item.media_type,
        share_url=item.share_url,
        created_on_douyin=item.created_on_douyin,
        first_seen_at=item.first_seen_at,
        last_captured_at=item.last_captured_at,
        counts=latest_counts(item),
    )


def latest_counts(item: Any) -> Counts:
    return Counts(**{key: int(getattr(item, f"{key}_count") or 0) for key in COUNTERS})


def top_item(item: DouyinItem, growth: Counts | None = None) -> TopItem:
    return TopItem(
        item_id=item.item_id,
        title=item.title,
        account_id=item.account_id,
        content_id=item.content_id,
        content_kind=item.content_kind,
        created_on_douyin=item.created_on_douyin,
        counts=latest_counts(item),
        growth=growth,
    )


class MetricsQueries:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def zone(self) -> ZoneInfo:
        return await tenant_zone(self._session, self._tenant_id)

    async def today(self) -> date:
        return datetime.now(await self.zone()).date()

    async def has_account(self, account_id: str) -> bool:
        found = await self._session.scalar(
            select(DouyinAccount.id).where(
                DouyinAccount.tenant_id == self._tenant_id, DouyinAccount.id == account_id
            )
        )
        return found is not None

    async def item_series(
        self, item_id: str, start: datetime | None, end: datetime | None, limit: int
    ) -> ItemSeries | None:
        """Every stored snapshot of the item in [start, end), oldest first; None for an unknown item."""
        item = await self._session.scalar(
            select(DouyinItem).where(DouyinItem.tenant_id == self._tenant_id, DouyinItem.item_id == item_id)
        )
        if item is None:
            return None
        query = select(MetricSnapshot).where(
            MetricSnapshot.tenant_id == self._tenant_id, MetricSnapshot.item_id == item_id
        )
        if start is not None:
            query = query.where(MetricSnapshot.captured_at >= start)
        if end is not None:
            query = query.where(MetricSnapshot.captured_at < end)
        rows = list(await self._session.scalars(query.order_by(MetricSnapshot.captured_at).limit(limit + 1)))
        points = [
            SeriesPoint(captured_at=r.captured_at, age_seconds=r.age_seconds, counts=latest_counts(r))
            for r in rows[:limit]
        ]
        return ItemSeries(item=item_info(item), points=points, truncated=len(rows) > limit)

    async def account_series(self, account_id: str, from_day: date, to_day: date) -> AccountSeries:
        """Growth per local day and the running total, from the daily rollups."""
        table = MetricRollup.__table__
        before = await self._session.execute(
            select(*sums(table)).where(*self._rollup_filter(None, from_day - timedelta(days=1), account_id))
        )
        total = Counts.of(before.one()._mapping)
        rows = await self._session.execute(
            select(table.c.day, *sums(table))
            .where(*self._rollup_filter(from_day, to_day, account_id))
            .group_by(table.c.day)
            .order_by(table.c.day)
        )
        points: list[DayPoint] = []
        for row in rows:
            growth = Counts.of(row._mapping)
            total = total.plus(growth)
            points.append(DayPoint(day=row.day, growth=growth, total=total))
        return AccountSeries(account_id=account_id, from_day=from_day, to_day=to_day, points=points)

    async def summary(self, from_day: date, to_day: date, account_id: str | None) -> Summary:
        """Totals at the end of the period, its growth against the period before, and its top items."""
        length = (to_day - from_day).days + 1
        totals = await self._rollup_sum(None, to_day, account_id)
        growth = await self._rollup_sum(from_day, to_day, account_id)
        previous = await self._rollup_sum(
            from_day - timedelta(days=length), from_day - timedelta(days=1), account_id
        )
        item_filter = [DouyinItem.tenant_id == self._tenant_id]
        if account_id is not None:
            item_filter.append(DouyinItem.account_id == account_id)
        items = await self._session.scalar(select(func.count()).select_from(DouyinItem).where(*item_filter))
        return Summary(
            from_day=from_day,
            to_day=to_day,
            account_id=account_id,
            items=int(items or 0),
            totals=totals,
            growth=growth,
            previous_growth=previous,
            growth_rate=round(growth.play / previous.play - 1, 4) if previous.play else None,
            top_items=await self._top_growth(from_day, to_day, account_id),
        )

    async def _rollup_sum(self, from_day: date | None, to_day: date, account_id: str | None) -> Counts:
        row = await self._session.execute(
            select(*sums(MetricRollup.__table__)).where(*self._rollup_filter(from_day, to_day, account_id))
        )
        return Counts.of(row.one()._mapping)

    def _rollup_filter(
        self, from_day: date | None, to_day: date, account_id: str | None
    ) -> list[ColumnElement[bool]]:
        table = MetricRollup.__table__
        where = [table.c.tenant_id == self._tenant_id, table.c.day <= to_day]
        if from_day is not None:
            where.append(table.c.day >= from_day)
        if account_id is not None:
            where.append(table.c.account_id == account_id)
        return where

    async def _top_growth(self, from_day: date, to_day: date, account_id: str | None) -> list[TopItem]:
        """The items that gained most plays in the period (item-level daily rows, one grouped query)."""
        daily = MetricDaily.__table__
        where = [daily.c.tenant_id == self._tenant_id, daily.c.day >= from_day, daily.c.day <= to_day]
        if account_id is not None:
            where.append(daily.c.account_id == account_id)
        grown = (
            select(daily.c.item_id, *sums(daily))
            .where(*where)
            .group_by(daily.c.item_id)
            .order_by(func.sum(daily.c.play).desc())
            .limit(TOP_ITEMS)
            .subquery()
        )
        rows = await self._session.execute(
            select(DouyinItem, *[grown.c[k] for k in COUNTERS])
            .join(grown, grown.c.item_id == DouyinItem.item_id)
            .where(DouyinItem.tenant_id == self._tenant_id)
            .order_by(grown.c.play.desc())
        )
        return [top_item(row[0], Counts.of(row._mapping)) for row in rows]
