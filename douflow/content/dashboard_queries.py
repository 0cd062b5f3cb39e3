"""The review dashboard (seed 18): a handful of grouped queries, none per row, none over raw snapshots.

Engagement comes from `metric_rollups` (a few rows per account, kind and day), so a year of history costs
the same as a month of it; top contents and replications read `douyin_items` (one row per item).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.metrics import tenant_zone
from douflow.content.metrics_queries import latest_counts, local_range, sums, top_item
from douflow.db.metrics_tables import DouyinItem, MetricRollup, Replication
from douflow.db.tables import Content, DouyinAccount, Publish
from models.metrics import COUNTERS
from models.metrics_views import (
    Breakdown,
    Counts,
    Dashboard,
    Engagement,
    KindStatus,
    Period,
    PublishOutcome,
    ReplicationReview,
    VariantPerformance,
)

TOP_CONTENTS = 10
Window = tuple[datetime, datetime]
MAX_REPLICATIONS = 50


class DashboardQueries:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def dashboard(
        self, from_day: date, to_day: date, period: Period, account_id: str | None, kind: str | None
    ) -> Dashboard:
        window = local_range(await tenant_zone(self._session, self._tenant_id), from_day, to_day)
        contents = await self._contents(window, account_id, kind)
        publishes = await self._publishes(window, account_id, kind)
        publish_totals: dict[str, int] = defaultdict(int)
        for outcome in publishes:
            publish_totals[outcome.status] += outcome.count
        return Dashboard(
            from_day=from_day,
            to_day=to_day,
            period=period,
            account_id=account_id,
            kind=kind,
            contents=contents,
            contents_total=sum(c.count for c in contents),
            publishes=publishes,
            publish_totals=dict(publish_totals),
            engagement=await self._engagement(from_day, to_day, period, account_id, kind),
            top_contents=await self._top_contents(window, account_id, kind),
            replications=await self._replications(window, account_id, kind),
        )

    async def _contents(self, window: Window, account_id: str | None, kind: str | None) -> list[KindStatus]:
        start, end = window
        where: list[ColumnElement[bool]] = [
            Content.tenant_id == self._tenant_id,
            Content.created_at >= start,
            Content.created_at < end,
        ]
        if kind is not None:
            where.append(Content.kind == kind)
        if account_id is not None:
            where.append(
                exists().where(
                    Publish.tenant_id == self._tenant_id,
                    Publish.content_id == Content.id,
                    Publish.account_id == account_id,
                )
            )
        rows = await self._session.execute(
            select(Content.kind, Content.status, func.count())
            .where(*where)
            .group_by(Content.kind, Content.status)
            .order_by(Content.kind, Content.status)
        )
        return [KindStatus(kind=k, status=s, count=n) for k, s, n in rows]

    async def _publishes(
        self, window: Window, account_id: str | None, kind: str | None
    ) -> list[PublishOutcome]:
        start, end = window
        query = select(Publish.account_id, Publish.status, func.count()).where(
            Publish.tenant_id == self._tenant_id, Publish.created_at >= start, Publish.created_at < end
        )
        if account_id is not None:
            query = query.where(Publish.account_id == account_id)
        if kind is not None:
            query = query.join(Content, Content.id == Publish.content_id).where(Content.kind == kind)
        rows = await self._session.execute(
            query.group_by(Publish.account_id, Publish.status).order_by(Publish.account_id, Publish.status)
        )
        return [PublishOutcome(account_id=a, status=s, count=n) for a, s, n in rows]

    async def _engagement(
        self, from_day: date, to_day: date, period: Period, account_id: str | None, kind: str | None
    ) -> Engagement:
        """Growth in the period by account, by content kind and by day or week: three grouped queries."""
        table = MetricRollup.__table__
        where = [table.c.tenant_id == self._tenant_id, table.c.day >= from_day, table.c.day <= to_day]
        if account_id is not None:
            where.append(table.c.account_id == account_id)
        if kind is not None:
            where.append(table.c.kind == kind)
        by: dict[str, dict[str, list[int]]] = {}
        for axis, column in (("account", table.c.account_id), ("kind", table.c.kind), ("day", table.c.day)):
            rows = await self._session.execute(select(column, *sums(table)).where(*where).group_by(column))
            by[axis] = {str(row[0]): [int(v) for v in row[1:]] for row in rows}
        # Weeks fold from at most a year of day rows; the database groups everything else.
        by["period"] = {}
        for day, values in by.pop("day").items():
            acc = by["period"].setdefault(_period_key(date.fromisoformat(day), period), [0] * len(COUNTERS))
            for index, value in enumerate(values):
                acc[index] += value
        totals = [sum(column) for column in zip(*by["kind"].values(), strict=True)] or [0] * len(COUNTERS)
        labels = await self._account_labels()
        return Engagement(
            totals=_counts(totals),
            by_account=_breakdown(by["account"], labels),
            by_kind=_breakdown(by["kind"]),
            by_period=sorted(_breakdown(by["period"]), key=lambda b: b.key),
        )

    async def _account_labels(self) -> dict[str, str]:
        rows = await self._session.execute(
            select(DouyinAccount.id, DouyinAccount.nickname).where(DouyinAccount.tenant_id == self._tenant_id)
        )
        return {account: nickname for account, nickname in rows}

    async def _top_contents(self, window: Window, account_id: str | None, kind: str | None) -> list[Any]:
        start, end = window
        query = select(DouyinItem).where(
            DouyinItem.tenant_id == self._tenant_id,
            DouyinItem.created_on_douyin >= start,
            DouyinItem.created_on_douyin < end,
        )
        if account_id is not None:
            query = query.where(DouyinItem.account_id == account_id)
        if kind is not None:
            query = query.where(DouyinItem.content_kind == kind)
        rows = await self._session.scalars(query.order_by(DouyinItem.play_count.desc()).limit(TOP_CONTENTS))
        return [top_item(item) for item in rows]

    async def _replications(
        self, window: Window, account_id: str | None, kind: str | None
    ) -> list[ReplicationReview]:
        """Each replication with its source's counts and its variants' counts once they were published."""
        start, end = window
        query = (
            select(Replication, DouyinItem)
            .outerjoin(
                DouyinItem,
                (DouyinItem.tenant_id == Replication.tenant_id)
                & (DouyinItem.item_id == Replication.source_item_id),
            )
            .where(
                Replication.tenant_id == self._tenant_id,
                Replication.created_at >= start,
                Replication.created_at < end,
            )
        )
        if account_id is not None:
            query = query.where(Replication.account_id == account_id)
        if kind is not None:
            query = query.where(DouyinItem.content_kind == kind)
        pairs = list(
            await self._session.execute(query.order_by(Replication.created_at.desc()).limit(MAX_REPLICATIONS))
        )
        variant_ids = sorted({cid for replication, _ in pairs for cid in replication.variant_content_ids})
        variants = await self._variants(variant_ids)
        reviews: list[ReplicationReview] = []
        for replication, source in pairs:
            mine = [variants[cid] for cid in replication.variant_content_ids if cid in variants]
            total = Counts()
            for variant in mine:
                total = total.plus(variant.counts)
            reviews.append(
                ReplicationReview(
                    replication_id=replication.id,
                    account_id=replication.account_id,
                    status=replication.status,
                    created_at=replication.created_at,
                    source_item_id=replication.source_item_id,
                    source_title=source.title if source else "",
                    source_content_id=replication.source_content_id,
                    hit_ratio=replication.hit.get("ratio"),
                    source_counts=latest_counts(source) if source else Counts(),
                    variants=mine,
                    variants_counts=total,
                )
            )
        return reviews

    async def _variants(self, content_ids: list[str]) -> dict[str, VariantPerformance]:
        if not content_ids:
            return {}
        contents = await self._session.execute(
            select(Content.id, Content.title, Content.status).where(
                Content.tenant_id == self._tenant_id, Content.id.in_(content_ids)
            )
        )
        items = DouyinItem.__table__
        performance = await self._session.execute(
            select(
                items.c.content_id,
                func.count().label("published_items"),
                *[func.coalesce(func.sum(items.c[f"{k}_count"]), 0).label(k) for k in COUNTERS],
            )
            .where(items.c.tenant_id == self._tenant_id, items.c.content_id.in_(content_ids))
            .group_by(items.c.content_id)
        )
        by_content = {row.content_id: row for row in performance}
        views: dict[str, VariantPerformance] = {}
        for content_id, title, status in contents:
            row = by_content.get(content_id)
            views[content_id] = VariantPerformance(
                content_id=content_id,
                title=title,
                status=status,
                published_items=int(row.published_items) if row else 0,
                counts=Counts.of(row._mapping) if row else Counts(),
            )
        return views


def _period_key(day: date, period: Period) -> str:
    """A day, or the Monday starting its ISO week."""
    return (day - timedelta(days=day.weekday()) if period == "week" else day).isoformat()


def _counts(values: list[int]) -> Counts:
    return Counts(**dict(zip(COUNTERS, values, strict=True)))


def _breakdown(values: dict[str, list[int]], labels: dict[str, str] | None = None) -> list[Breakdown]:
    rows = [
        Breakdown(key=key, label=(labels or {}).get(key, ""), counts=_counts(counts))
        for key, counts in values.items()
    ]
    return sorted(rows, key=lambda b: -b.counts.play)
