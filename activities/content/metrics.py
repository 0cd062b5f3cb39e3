"""content-center activities of the metrics sync: store a page of snapshots, list hit candidates.

A page is one transaction: the item's latest counts, its snapshot, and the day's growth in the daily and
rollup tables move together, so the dashboard's sums always equal the items' counts. A retried store sees
its own `last_captured_at` and writes nothing twice.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from activities.content.store import ContentStore
from douflow.content.metrics import (
    add_to_counters,
    bucket_of,
    load_rule,
    tenant_zone,
)
from douflow.db.metrics_tables import (
    DouyinItem,
    MetricDaily,
    MetricRollup,
    MetricSnapshot,
    Replication,
)
from douflow.db.tables import Content, Publish
from douflow.db.upsert import insert_for
from models.metrics import (
    COUNTERS,
    METRICS,
    CandidateQuery,
    HitCandidate,
    ItemStats,
    MetricCounts,
    StoredSnapshots,
    StoreSnapshots,
    ViralCandidates,
    ViralRuleSpec,
)

EXTERNAL_KIND = "external"
# Another item's snapshot counts as "the same age" within this factor of the candidate's age.
SIMILAR_AGE_FACTOR = 1.5


class MetricsActivities(ContentStore):
    """Metrics snapshots and viral candidates (seed 8, 9)."""

    @activity.defn
    async def store_metric_snapshots(self, req: StoreSnapshots) -> StoredSnapshots:
        """Latest counts, a snapshot (dense while young, sparse later) and the day's growth, per item."""
        async with self._sessionmaker() as session:
            day = req.fetched_at.astimezone(await tenant_zone(session, req.tenant_id)).date()
            ids = [item.item_id for item in req.items]
            known = await _known_items(session, req.tenant_id, ids)
            links = await _content_links(session, req.tenant_id, ids)
            snapshots: list[dict[str, Any]] = []
            daily: list[dict[str, Any]] = []
            rollup: dict[str, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
            young = 0
            for stats in req.items:
                row = known.get(stats.item_id)
                if row is not None and row.last_captured_at >= req.fetched_at:
                    continue  # a retry, or a newer sync got here first
                growth = _growth(row, stats.counts)
                row = _apply(session, row, req, stats, links.get(stats.item_id))
                age = _age_seconds(req.fetched_at, stats.create_time)
                is_young = age < req.dense_hours * 3600
                young += is_young
                bucket = bucket_of(req.fetched_at, young=is_young, sparse_hours=req.sparse_hours)
                snapshots.append(_snapshot_row(req, stats, age, bucket))
                if any(growth):
                    daily.append(
                        _counter_row(
                            req.tenant_id, day, growth, item_id=stats.item_id, account_id=req.account_id
                        )
                    )
                    totals = rollup[row.content_kind]
                    rollup[row.content_kind] = [a + b for a, b in zip(totals, growth, strict=True)]
            await session.flush()
            written = await _insert_snapshots(session, snapshots)
            await add_to_counters(session, MetricDaily.__table__, ("tenant_id", "item_id", "day"), daily)
            rollups = [
                _counter_row(req.tenant_id, day, growth, account_id=req.account_id, kind=kind)
                for kind, growth in rollup.items()
            ]
            await add_to_counters(
                session,
                MetricRollup.__table__,
                ("tenant_id", "day", "account_id", "kind"),
                rollups,
            )
            await session.commit()
        return StoredSnapshots(items=len(req.items), snapshots=written, young=young)

    @activity.defn
    async def viral_candidates(self, query: CandidateQuery) -> ViralCandidates:
        """Items young enough to judge, each with the median of the account's other items at its age."""
        async with self._sessionmaker() as session:
            rule = await load_rule(session, query.tenant_id)
            if not rule.enabled:
                return ViralCandidates(rule=rule, candidates=[])
            since = query.as_of - timedelta(days=rule.baseline_days)
            items = list(
                await session.scalars(
                    select(DouyinItem).where(
                        DouyinItem.tenant_id == query.tenant_id,
                        DouyinItem.account_id == query.account_id,
                        DouyinItem.created_on_douyin >= since,
                    )
                )
            )
            judged = [item for item in items if _judgeable(item, rule)]
            if not judged:
                return ViralCandidates(rule=rule, candidates=[])
            oldest = max(_item_age(item) for item in judged) * SIMILAR_AGE_FACTOR
            series = await _series_by_item(session, query, rule, since, oldest)
            replicated = set(
                await session.scalars(
                    select(Replication.source_item_id).where(
                        Replication.tenant_id == query.tenant_id,
                        Replication.source_item_id.in_([item.item_id for item in judged]),
                    )
                )
            )
        candidates = [_candidate(item, rule, series, item.item_id in replicated) for item in judged]
        return ViralCandidates(rule=rule, candidates=candidates)


async def _known_items(session: AsyncSession, tenant_id: str, ids: list[str]) -> dict[str, DouyinItem]:
    rows = await session.scalars(
        select(DouyinItem)
        .where(DouyinItem.tenant_id == tenant_id, DouyinItem.item_id.in_(ids))
        .with_for_update()  # two syncs of one account must not both add the same growth
    )
    return {row.item_id: row for row in rows}


async def _content_links(session: AsyncSession, tenant_id: str, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Items we published ourselves: item id → (content id, content kind)."""
    rows = await session.execute(
        select(Publish.item_id, Content.id, Content.kind)
        .join(Content, Content.id == Publish.content_id)
        .where(Publish.tenant_id == tenant_id, Publish.item_id.in_(ids))
    )
    return {item_id: (content_id, kind) for item_id, content_id, kind in rows if item_id is not None}


def _growth(row: DouyinItem | None, counts: MetricCounts) -> list[int]:
    """What each counter gained since the last sync; the first sight of an item counts from zero."""
    return [counts.get(metric) - (getattr(row, metric) if row else 0) for metric in METRICS]


def _apply(
    session: AsyncSession,
    row: DouyinItem | None,
    req: StoreSnapshots,
    stats: ItemStats,
    link: tuple[str, str] | None,
) -> DouyinItem:
    if row is None:
        row = DouyinItem(
            tenant_id=req.tenant_id,
            account_id=req.account_id,
            item_id=stats.item_id,
            first_seen_at=req.fetched_at,
            created_on_douyin=_douyin_time(stats.create_time, req.fetched_at),
        )
        session.add(row)
    if link is not None:
        row.content_id, row.content_kind = link
    elif row.content_kind is None:
        row.content_kind = EXTERNAL_KIND
    row.title = stats.title
    row.media_type = stats.media_type
    row.video_status = stats.video_status
    row.share_url = stats.share_url
    row.last_captured_at = req.fetched_at
    for metric in METRICS:
        setattr(row, metric, stats.counts.get(metric))
    return row


def _snapshot_row(req: StoreSnapshots, stats: ItemStats, age: int, bucket: datetime) -> dict[str, Any]:
    return {
        "tenant_id": req.tenant_id,
        "account_id": req.account_id,
        "item_id": stats.item_id,
        "captured_at": req.fetched_at,
        "bucket": bucket,
        "age_seconds": age,
        "raw": stats.raw,
        **stats.counts.model_dump(),
    }


async def _insert_snapshots(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """The page's snapshots in one statement; one already in its bucket is kept. Returns how many were new."""
    if not rows:
        return 0
    table = MetricSnapshot.__table__
    stmt = insert_for(session, table).values(rows)
    written = await session.scalars(
        stmt.on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "bucket"]).returning(table.c.id)
    )
    return len(written.all())


def _counter_row(tenant_id: str, day: date, growth: list[int], **keys: str) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "day": day, **keys, **dict(zip(COUNTERS, growth, strict=True))}


def _douyin_time(create_time: int, fallback: datetime) -> datetime:
    return datetime.fromtimestamp(create_time, UTC) if create_time > 0 else fallback


def _age_seconds(at: datetime, create_time: int) -> int:
    return max(0, int(at.timestamp()) - create_time) if create_time > 0 else 0


def _item_age(item: DouyinItem) -> int:
    return max(0, int((item.last_captured_at - item.created_on_douyin).total_seconds()))


def _judgeable(item: DouyinItem, rule: ViralRuleSpec) -> bool:
    age = _item_age(item)
    return rule.min_age_minutes * 60 <= age <= rule.max_age_hours * 3600


async def _series_by_item(
    session: AsyncSession, query: CandidateQuery, rule: ViralRuleSpec, since: datetime, oldest: float
) -> dict[str, list[tuple[int, int]]]:
    """(age, value) of the rule's metric per item of the account, oldest snapshots first."""
    column = getattr(MetricSnapshot, rule.metric)
    rows = await session.execute(
        select(MetricSnapshot.item_id, MetricSnapshot.age_seconds, column)
        .where(
            MetricSnapshot.tenant_id == query.tenant_id,
            MetricSnapshot.account_id == query.account_id,
            MetricSnapshot.captured_at >= since,
            MetricSnapshot.age_seconds <= oldest,
        )
        .order_by(MetricSnapshot.item_id, MetricSnapshot.age_seconds)
    )
    series: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for item_id, age, value in rows:
        series[item_id].append((int(age), int(value)))
    return series


def _candidate(
    item: DouyinItem, rule: ViralRuleSpec, series: dict[str, list[tuple[int, int]]], replicated: bool
) -> HitCandidate:
    age = _item_age(item)
    samples = [
        value
        for item_id, points in series.items()
        if item_id != item.item_id and (value := _value_at_age(points, age)) is not None
    ]
    return HitCandidate(
        item_id=item.item_id,
        age_seconds=age,
        value=int(getattr(item, rule.metric)),
        baseline_median=float(statistics.median(samples)) if samples else None,
        samples=len(samples),
        already_replicated=replicated,
    )


def _value_at_age(points: list[tuple[int, int]], age: int) -> int | None:
    """The value of the snapshot nearest to `age`, if one is within the similar-age factor."""
    ages = [a for a, _ in points]
    index = bisect.bisect_left(ages, age)
    near = [points[i] for i in (index - 1, index) if 0 <= i < len(points)]
    if not near:
        return None
    best_age, value = min(near, key=lambda p: abs(p[0] - age))
    low, high = age / SIMILAR_AGE_FACTOR, age * SIMILAR_AGE_FACTOR
    return value if low <= best_age <= high else None
