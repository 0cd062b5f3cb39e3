"""Metrics sync and viral-rule contracts (seed 8, 9): what the sync workflow and its activities exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field

from models.request_types import JsonInteger

Metric = Literal[
    "play_count", "digg_count", "comment_count", "share_count", "download_count", "forward_count"
]
METRICS: tuple[Metric, ...] = (
    "play_count",
    "digg_count",
    "comment_count",
    "share_count",
    "download_count",
    "forward_count",
)
# The same six counters by their short names, as the daily and rollup tables and the read models spell them.
COUNTERS: tuple[str, ...] = tuple(metric.removesuffix("_count") for metric in METRICS)


class MetricCounts(BaseModel):
    play_count: int = 0
    digg_count: int = 0
    comment_count: int = 0
    share_count: int = 0
    download_count: int = 0
    forward_count: int = 0

    def get(self, metric: Metric) -> int:
        value: int = getattr(self, metric)
        return value


class ItemStats(BaseModel):
    """One Douyin item as fetched: statistics from video_data, the raw row kept for re-derivation."""

    item_id: str
    title: str = ""
    media_type: int = 0
    video_status: int = 0
    share_url: str = ""
    create_time: int = Field(default=0, description="unix seconds on Douyin")
    counts: MetricCounts = Field(default_factory=MetricCounts)
    raw: dict[str, Any] = Field(default_factory=dict)


class FetchPage(BaseModel):
    tenant_id: str
    account_id: str
    cursor: int = 0
    count: int = Field(default=20, ge=1, le=100)


class MetricsPage(BaseModel):
    items: list[ItemStats]
    cursor: int
    has_more: bool
    fetched_at: datetime


class StoreSnapshots(BaseModel):
    """One page to store; `fetched_at` comes from the fetch, so a retried store writes the same rows."""

    tenant_id: str
    account_id: str
    fetched_at: datetime
    items: list[ItemStats]
    dense_hours: float = Field(default=48, ge=0, description="every sync is kept while this young")
    sparse_hours: float = Field(default=6, gt=0, description="at most one snapshot per window after")


class StoredSnapshots(BaseModel):
    items: int
    snapshots: int = Field(description="snapshots written (an existing bucket is not rewritten)")
    young: int = Field(description="items still in their dense window")


class MetricsSyncInput(BaseModel):
    tenant_id: str
    account_id: str
    page_size: int = Field(default=20, ge=1, le=20)
    max_pages: int = Field(default=500, ge=1, le=5000)
    dense_hours: float = Field(default=48, ge=0)
    sparse_hours: float = Field(default=6, gt=0)
    detect_hits: bool = True


class MetricsSyncResult(BaseModel):
    status: Literal["synced", "account_unavailable"]
    reason: str | None = None
    items: int = 0
    snapshots: int = 0
    pages: int = 0
    hits: list[Hit] = Field(default_factory=list)
    replications_started: list[str] = Field(default_factory=list, description="workflow ids")
    already_replicated: list[str] = Field(default_factory=list, description="item ids")


class ViralRuleSpec(BaseModel):
    """A hit: the metric at an age is `ratio` times the median of the account's items at a similar age.

    Strict, as JSON reads (it is the BFF's request body): a number sent as text, or 0 for false, is refused.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool = True
    metric: Metric = "play_count"
    ratio: float = Field(default=3.0, ge=1.0, le=1000)
    min_samples: Annotated[int, Interval(ge=1, le=1000), JsonInteger] = Field(
        default=5, description="other items needed for a baseline"
    )
    min_value: Annotated[int, Interval(ge=0, le=10**12), JsonInteger] = Field(
        default=500, description="below this a high ratio is noise"
    )
    min_age_minutes: Annotated[int, Interval(ge=0, le=60 * 24 * 30), JsonInteger] = 60
    max_age_hours: Annotated[int, Interval(ge=1, le=24 * 90), JsonInteger] = 72
    baseline_days: Annotated[int, Interval(ge=1, le=365), JsonInteger] = Field(
        default=30, description="rolling window of the baseline"
    )
    variant_count: Annotated[int, Interval(ge=1, le=10), JsonInteger] = 3
    similarity_threshold: float = Field(default=0.6, gt=0, le=1, description="n-gram Jaccard = duplicate")
    auto_schedule: bool = False


class CandidateQuery(BaseModel):
    tenant_id: str
    account_id: str
    as_of: datetime


class HitCandidate(BaseModel):
    """An item young enough to judge, with the baseline of the account's other items at its age."""

    item_id: str
    age_seconds: int
    value: int
    baseline_median: float | None
    samples: int
    already_replicated: bool = False


class ViralCandidates(BaseModel):
    rule: ViralRuleSpec
    candidates: list[HitCandidate]


class Hit(BaseModel):
    item_id: str
    metric: Metric
    value: int
    baseline_median: float
    ratio: float
    samples: int
    age_seconds: int

    def per_hour(self) -> tuple[float, float]:
        """The item's and the baseline's average rate per hour since publishing, for people to read."""
        hours = max(self.age_seconds / 3600, 1 / 60)
        return self.value / hours, self.baseline_median / hours


MetricsSyncResult.model_rebuild()
