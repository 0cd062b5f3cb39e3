"""The metrics and dashboard read models: built by content-center's queries, answered by the BFF as they are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from models.funnel import CustomerReview
from models.metrics import COUNTERS, MetricsSyncResult

Period = Literal["day", "week"]


class Counts(BaseModel):
    """Counters of Douyin statistics: cumulative totals or growth over a period, by context."""

    play: int = 0
    digg: int = 0
    comment: int = 0
    share: int = 0
    download: int = 0
    forward: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def engagement(self) -> int:
        """Likes, comments and shares: what a reader did beyond watching."""
        return self.digg + self.comment + self.share

    @computed_field  # type: ignore[prop-decorator]
    @property
    def engagement_rate(self) -> float | None:
        return round(self.engagement / self.play, 4) if self.play else None

    def plus(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in COUNTERS})

    @classmethod
    def of(cls, values: Any) -> Counts:
        """From a row or mapping carrying the six counters (None counts as zero)."""

        def get(key: str) -> Any:
            return values.get(key) if isinstance(values, dict) else getattr(values, key, None)

        return cls(**{k: int(get(k) or 0) for k in COUNTERS})


class SeriesPoint(BaseModel):
    captured_at: datetime
    age_seconds: int
    counts: Counts


class ItemInfo(BaseModel):
    item_id: str
    account_id: str
    title: str
    content_id: str | None
    content_kind: str
    media_type: int
    share_url: str
    created_on_douyin: datetime
    first_seen_at: datetime
    last_captured_at: datetime
    counts: Counts


class ItemSeries(BaseModel):
    item: ItemInfo
    points: list[SeriesPoint]
    truncated: bool = False


class DayPoint(BaseModel):
    day: date
    growth: Counts
    total: Counts = Field(description="cumulative at the end of the day")


class AccountSeries(BaseModel):
    account_id: str
    from_day: date
    to_day: date
    points: list[DayPoint]


class TopItem(BaseModel):
    item_id: str
    title: str
    account_id: str
    content_id: str | None
    content_kind: str
    created_on_douyin: datetime
    counts: Counts = Field(description="latest totals")
    growth: Counts | None = Field(default=None, description="growth within the period")


class Summary(BaseModel):
    from_day: date
    to_day: date
    account_id: str | None
    items: int
    totals: Counts = Field(description="cumulative at the end of the period")
    growth: Counts
    previous_growth: Counts = Field(description="growth in the period of the same length just before")
    growth_rate: float | None = Field(description="play growth against the previous period, -1..∞")
    top_items: list[TopItem]


class KindStatus(BaseModel):
    kind: str
    status: str
    count: int


class PublishOutcome(BaseModel):
    account_id: str
    status: str
    count: int


class Breakdown(BaseModel):
    key: str
    label: str = ""
    counts: Counts


class Engagement(BaseModel):
    totals: Counts
    by_account: list[Breakdown]
    by_kind: list[Breakdown]
    by_period: list[Breakdown]


class VariantPerformance(BaseModel):
    content_id: str
    title: str
    status: str
    published_items: int
    counts: Counts


class ReplicationReview(BaseModel):
    replication_id: str
    account_id: str
    status: str
    created_at: datetime
    source_item_id: str
    source_title: str
    source_content_id: str | None
    hit_ratio: float | None
    source_counts: Counts
    variants: list[VariantPerformance]
    variants_counts: Counts


class Dashboard(BaseModel):
    from_day: date
    to_day: date
    period: Period
    account_id: str | None
    kind: str | None
    contents: list[KindStatus]
    contents_total: int
    publishes: list[PublishOutcome]
    publish_totals: dict[str, int]
    engagement: Engagement
    top_contents: list[TopItem] = Field(description="items published in the period, by plays to date")
    replications: list[ReplicationReview]
    customers: CustomerReview | None = Field(
        default=None, description="the customer side: funnel, resolution, first response, lead conversion"
    )


class SyncStarted(BaseModel):
    """A metrics sync started (or joined) through the BFF, with its result when it was awaited."""

    workflow_id: str
    run_id: str | None
    schedule_id: str
    result: MetricsSyncResult | None = None
