"""Content calendar tables (seed 6): entries backed by Temporal Schedules, and every run they made.

Entries keep no foreign key to their content or account: an entry outlives a deleted content or an
unbound account so its history, and the reason it could not run, stay visible.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, TenantScoped, Timestamped, new_id
from models.calendar import RunStatus


class CalendarEntry(TenantScoped, Timestamped, Base):
    """A content planned on an account: once (`run_at`) or on a recurrence (`cron` or `weekly_slots`)."""

    __tablename__ = "calendar_entries"
    __table_args__ = (
        Index("ix_calendar_entries_tenant_account_status", "tenant_id", "account_id", "status"),
        Index("ix_calendar_entries_tenant_run_at", "tenant_id", "run_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    content_id: Mapped[str] = mapped_column(String(36), index=True)
    account_id: Mapped[str] = mapped_column(String(36))
    # one_off | recurring
    kind: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    run_at: Mapped[datetime | None] = mapped_column()
    cron: Mapped[str | None] = mapped_column(String(200))
    weekly_slots: Mapped[list[dict[str, Any]] | None] = mapped_column()
    end_at: Mapped[datetime | None] = mapped_column()
    max_runs: Mapped[int | None] = mapped_column(Integer)
    # scheduled | paused | completed | cancelled | broken
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    last_error: Mapped[str | None] = mapped_column(Text)
    schedule_id: Mapped[str] = mapped_column(String(100), unique=True)
    # Occurrences before this instant are not expected to have run (the spec changed or it resumed).
    expected_since: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(36))


class CalendarRun(TenantScoped, Timestamped, Base):
    """One start of an entry (by its schedule or by "run now") and what came of it."""

    __tablename__ = "calendar_runs"
    __table_args__ = (Index("ix_calendar_runs_tenant_scheduled_for", "tenant_id", "scheduled_for"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("calendar_entries.id", ondelete="CASCADE"), index=True)
    workflow_id: Mapped[str] = mapped_column(String(200), unique=True)
    # schedule | manual
    trigger: Mapped[str] = mapped_column(String(16))
    scheduled_for: Mapped[datetime] = mapped_column()
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    # running | published | under_review | rejected | failed | unconfirmed | skipped
    status: Mapped[RunStatus] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    publish_id: Mapped[str | None] = mapped_column(String(36))
    publish_workflow_id: Mapped[str | None] = mapped_column(String(200))
    item_id: Mapped[str | None] = mapped_column(String(200))
    share_url: Mapped[str | None] = mapped_column(String(500))
