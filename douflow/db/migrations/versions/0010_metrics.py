"""metrics history, viral rules, replications, notifications

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-24 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "douyin_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("content_id", sa.String(length=36), nullable=True),
        sa.Column("content_kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Integer(), nullable=False),
        sa.Column("video_status", sa.Integer(), nullable=False),
        sa.Column("share_url", sa.String(length=500), nullable=False),
        sa.Column("created_on_douyin", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_captured_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("play_count", sa.BigInteger(), nullable=False),
        sa.Column("digg_count", sa.BigInteger(), nullable=False),
        sa.Column("comment_count", sa.BigInteger(), nullable=False),
        sa.Column("share_count", sa.BigInteger(), nullable=False),
        sa.Column("download_count", sa.BigInteger(), nullable=False),
        sa.Column("forward_count", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_douyin_items")),
        sa.UniqueConstraint("tenant_id", "item_id", name="tenant_item"),
    )
    with op.batch_alter_table("douyin_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_douyin_items_tenant_account_created",
            ["tenant_id", "account_id", "created_on_douyin"],
            unique=False,
        )
        batch_op.create_index("ix_douyin_items_tenant_content", ["tenant_id", "content_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_douyin_items_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "metric_daily",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("play", sa.BigInteger(), nullable=False),
        sa.Column("digg", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.BigInteger(), nullable=False),
        sa.Column("share", sa.BigInteger(), nullable=False),
        sa.Column("download", sa.BigInteger(), nullable=False),
        sa.Column("forward", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "item_id", "day", name=op.f("pk_metric_daily")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("metric_daily", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_daily_tenant_account_day", ["tenant_id", "account_id", "day"], unique=False
        )
        batch_op.create_index("ix_metric_daily_tenant_day", ["tenant_id", "day"], unique=False)

    op.create_table(
        "metric_rollups",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("play", sa.BigInteger(), nullable=False),
        sa.Column("digg", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.BigInteger(), nullable=False),
        sa.Column("share", sa.BigInteger(), nullable=False),
        sa.Column("download", sa.BigInteger(), nullable=False),
        sa.Column("forward", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "day", "account_id", "kind", name=op.f("pk_metric_rollups")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "metric_snapshots",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("captured_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("bucket", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("age_seconds", sa.BigInteger(), nullable=False),
        sa.Column("play_count", sa.BigInteger(), nullable=False),
        sa.Column("digg_count", sa.BigInteger(), nullable=False),
        sa.Column("comment_count", sa.BigInteger(), nullable=False),
        sa.Column("share_count", sa.BigInteger(), nullable=False),
        sa.Column("download_count", sa.BigInteger(), nullable=False),
        sa.Column("forward_count", sa.BigInteger(), nullable=False),
        sa.Column(
            "raw", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_snapshots")),
        sa.UniqueConstraint("tenant_id", "item_id", "bucket", name="tenant_item_bucket"),
    )
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_snapshots_tenant_captured", ["tenant_id", "captured_at"], unique=False
        )
        batch_op.create_index(
            "ix_metric_snapshots_tenant_item_captured", ["tenant_id", "item_id", "captured_at"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_tenant_created", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "replications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("source_item_id", sa.String(length=200), nullable=False),
        sa.Column("source_content_id", sa.String(length=36), nullable=True),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "hit", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "hook", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "variant_content_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rejected",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("auto_schedule", sa.String(length=20), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replications")),
        sa.UniqueConstraint("tenant_id", "source_item_id", name="tenant_source_item"),
    )
    with op.batch_alter_table("replications", schema=None) as batch_op:
        batch_op.create_index("ix_replications_tenant_created", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_replications_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "viral_rules",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("min_samples", sa.Integer(), nullable=False),
        sa.Column("min_value", sa.BigInteger(), nullable=False),
        sa.Column("min_age_minutes", sa.Integer(), nullable=False),
        sa.Column("max_age_hours", sa.Integer(), nullable=False),
        sa.Column("baseline_days", sa.Integer(), nullable=False),
        sa.Column("variant_count", sa.Integer(), nullable=False),
        sa.Column("similarity_threshold", sa.Float(), nullable=False),
        sa.Column("auto_schedule", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_viral_rules")),
    )


def downgrade() -> None:
    op.drop_table("viral_rules")
    with op.batch_alter_table("replications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replications_tenant_id"))
        batch_op.drop_index("ix_replications_tenant_created")

    op.drop_table("replications")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_tenant_id"))
        batch_op.drop_index("ix_notifications_tenant_created")

    op.drop_table("notifications")
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_snapshots_tenant_item_captured")
        batch_op.drop_index("ix_metric_snapshots_tenant_captured")

    op.drop_table("metric_snapshots")
    op.drop_table("metric_rollups")
    with op.batch_alter_table("metric_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_daily_tenant_day")
        batch_op.drop_index("ix_metric_daily_tenant_account_day")

    op.drop_table("metric_daily")
    with op.batch_alter_table("douyin_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_douyin_items_tenant_id"))
        batch_op.drop_index("ix_douyin_items_tenant_content")
        batch_op.drop_index("ix_douyin_items_tenant_account_created")

    op.drop_table("douyin_items")
