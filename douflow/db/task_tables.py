"""Follow-up tasks (seed 16): orchestration-service's own store, written by its activities (the task workflow
serialises every change), read by the BFF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id
from models.tasks import TaskOutcome, TaskSource, TaskStatus


class FollowUpTask(TenantScoped, Timestamped, Base):
    """A person's next step with a customer; (tenant, source, source_ref) makes creation idempotent."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "source_ref", name="follow_up_task_source"),
        Index("ix_follow_up_tasks_owner", "tenant_id", "owner_user_id", "status", "due_at"),
        Index("ix_follow_up_tasks_customer", "tenant_id", "customer_id", "status"),
        Index("ix_follow_up_tasks_due", "tenant_id", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    account_id: Mapped[str | None] = mapped_column(String(36))
    owner_user_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[TaskSource] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(300))
    waiting_for: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[TaskStatus] = mapped_column(String(16), default="open")
    due_at: Mapped[datetime] = mapped_column()
    reminded_for: Mapped[datetime | None] = mapped_column()
    escalated_for: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[TaskOutcome | None] = mapped_column(String(16))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(36))
    closed_at: Mapped[datetime | None] = mapped_column()
    # The deal a `won` outcome recorded (deals are seed 18's; None until that is wired).
    deal_id: Mapped[str | None] = mapped_column(String(36))
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    script: Mapped[str | None] = mapped_column(Text)
    script_cited: Mapped[list[str]] = mapped_column(JSONType, default=list)
    script_findings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    workflow_id: Mapped[str] = mapped_column(String(100))
