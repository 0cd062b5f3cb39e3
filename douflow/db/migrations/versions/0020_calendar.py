"""content calendar: entries backed by Temporal Schedules, and their runs

Revision ID: 0020
Revises: 0002
Create Date: 2026-11-24 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0020"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("content_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("run_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cron", sa.String(length=200), nullable=True),
        sa.Column(
            "weekly_slots",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("end_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("max_runs", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("schedule_id", sa.String(length=100), nullable=False),
        sa.Column("expected_since", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")),
        sa.UniqueConstraint("schedule_id", name=op.f("uq_calendar_entries_schedule_id")),
    )
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_entries_tenant_account_status", ["tenant_id", "account_id", "status"], unique=False
        )
        batch_op.create_index("ix_calendar_entries_tenant_run_at", ["tenant_id", "run_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_entries_content_id"), ["content_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_entries_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "calendar_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("scheduled_for", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("publish_id", sa.String(length=36), nullable=True),
        sa.Column("publish_workflow_id", sa.String(length=200), nullable=True),
        sa.Column("item_id", sa.String(length=200), nullable=True),
        sa.Column("share_url", sa.String(length=500), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["calendar_entries.id"],
            name=op.f("fk_calendar_runs_entry_id_calendar_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_runs")),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_calendar_runs_workflow_id")),
    )
    with op.batch_alter_table("calendar_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_runs_tenant_scheduled_for", ["tenant_id", "scheduled_for"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_calendar_runs_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_runs_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calendar_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_runs_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_runs_entry_id"))
        batch_op.drop_index("ix_calendar_runs_tenant_scheduled_for")
    op.drop_table("calendar_runs")
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_entries_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_entries_content_id"))
        batch_op.drop_index("ix_calendar_entries_tenant_run_at")
        batch_op.drop_index("ix_calendar_entries_tenant_account_status")
    op.drop_table("calendar_entries")
