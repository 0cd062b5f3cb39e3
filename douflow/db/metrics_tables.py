"""Metrics history, viral rules, replications and notifications (seed 8, 9, 18).

Snapshots keep every raw payload (so metrics can be re-derived); the dashboard never scans them: it reads
the daily rollups the sync writes alongside, which stay small however long the history grows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, new_id, utcnow
from models.replication import AutoSchedule, ReplicationStatus

# SQLite only auto-increments an INTEGER primary key; PostgreSQL gets a 64-bit one.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ItemCounts:
    """An item's running totals as Douyin reports them."""

    play_count: Mapped[int] = mapped_column(BigInteger, default=0)
    digg_count: Mapped[int] = mapped_column(BigInteger, default=0)
    comment_count: Mapped[int] = mapped_column(BigInteger, default=0)
    share_count: Mapped[int] = mapped_column(BigInteger, default=0)
    download_count: Mapped[int] = mapped_column(BigInteger, default=0)
    forward_count: Mapped[int] = mapped_column(BigInteger, default=0)


class Growth:
    """How much each of an item's counts (models.metrics.COUNTERS) grew over a period."""

    play: Mapped[int] = mapped_column(BigInteger, default=0)
    digg: Mapped[int] = mapped_column(BigInteger, default=0)
    comment: Mapped[int] = mapped_column(BigInteger, default=0)
    share: Mapped[int] = mapped_column(BigInteger, default=0)
    download: Mapped[int] = mapped_column(BigInteger, default=0)
    forward: Mapped[int] = mapped_column(BigInteger, default=0)


class DouyinItem(ItemCounts, TenantScoped, Base):
    """One item of a bound account as last seen, linked to our content when we published it."""

    __tablename__ = "douyin_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", name="tenant_item"),
        Index("ix_douyin_items_tenant_account_created", "tenant_id", "account_id", "created_on_douyin"),
        Index("ix_douyin_items_tenant_content", "tenant_id", "content_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(String(200))
    content_id: Mapped[str | None] = mapped_column(String(36))
    # The content's kind, or "external" for items not published through DouFlow.
    content_kind: Mapped[str] = mapped_column(String(20), default="external")
    title: Mapped[str] = mapped_column(Text, default="")
    media_type: Mapped[int] = mapped_column(Integer, default=0)
    video_status: Mapped[int] = mapped_column(Integer, default=0)
    share_url: Mapped[str] = mapped_column(String(500), default="")
    created_on_douyin: Mapped[datetime] = mapped_column()
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_captured_at: Mapped[datetime] = mapped_column()


class MetricSnapshot(ItemCounts, Base):
    """Counts of one item at one sync; `bucket` makes a retried or too-frequent write a no-op."""

    __tablename__ = "metric_snapshots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "bucket", name="tenant_item_bucket"),
        Index("ix_metric_snapshots_tenant_item_captured", "tenant_id", "item_id", "captured_at"),
        Index("ix_metric_snapshots_tenant_captured", "tenant_id", "captured_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    account_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(String(200))
    captured_at: Mapped[datetime] = mapped_column()
    bucket: Mapped[datetime] = mapped_column()
    age_seconds: Mapped[int] = mapped_column(BigInteger)
    # After the counts, where migration 0010 lays the table out.
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, sort_order=1)


class MetricDaily(Growth, Base):
    """Growth of one item on one local day (tenant time zone): the sum of an item's deltas is its count."""

    __tablename__ = "metric_daily"
    __table_args__ = (
        Index("ix_metric_daily_tenant_account_day", "tenant_id", "account_id", "day"),
        Index("ix_metric_daily_tenant_day", "tenant_id", "day"),
        # On SQLite the primary key is the table (clustered), so range scans read no second b-tree.
        {"sqlite_with_rowid": False},
    )

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36))


class MetricRollup(Growth, Base):
    """Growth per (account, content kind, local day): what the dashboard reads, a few rows per day."""

    __tablename__ = "metric_rollups"
    __table_args__ = ({"sqlite_with_rowid": False},)

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class ViralRule(Base):
    """A tenant's definition of a hit, relative to each account's own baseline."""

    __tablename__ = "viral_rules"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    metric: Mapped[str] = mapped_column(String(20), default="play_count")
    ratio: Mapped[float] = mapped_column(Float, default=3.0)
    min_samples: Mapped[int] = mapped_column(Integer, default=5)
    min_value: Mapped[int] = mapped_column(BigInteger, default=500)
    min_age_minutes: Mapped[int] = mapped_column(Integer, default=60)
    max_age_hours: Mapped[int] = mapped_column(Integer, default=72)
    baseline_days: Mapped[int] = mapped_column(Integer, default=30)
    variant_count: Mapped[int] = mapped_column(Integer, default=3)
    similarity_threshold: Mapped[float] = mapped_column(Float, default=0.6)
    auto_schedule: Mapped[bool] = mapped_column(default=False)
    updated_by: Mapped[str] = mapped_column(String(36), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Replication(TenantScoped, Base):
    """One hit and the variants made from it; unique per source item, so a hit replicates once."""

    __tablename__ = "replications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source_item_id", name="tenant_source_item"),
        Index("ix_replications_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(36))
    source_item_id: Mapped[str] = mapped_column(String(200))
    source_content_id: Mapped[str | None] = mapped_column(String(36))
    workflow_id: Mapped[str] = mapped_column(String(200))
    # running | done | failed
    status: Mapped[ReplicationStatus] = mapped_column(String(20), default="running")
    hit: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    hook: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    variant_content_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # not_requested | requested | scheduled | failed (then auto_schedule_reason says why)
    auto_schedule: Mapped[AutoSchedule] = mapped_column(String(20), default="not_requested")
    auto_schedule_reason: Mapped[str | None] = mapped_column(Text)
    calendar_entry_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class Notification(TenantScoped, Base):
    """Something an operator should look at (a hit was replicated, ...); read once, kept for history."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    object_id: Mapped[str | None] = mapped_column(String(200))
    # Who it is for: None for everyone of the tenant, "reviewers" for admins and reviewers only.
    audience: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
