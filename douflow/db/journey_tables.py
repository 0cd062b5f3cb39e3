"""Customer journeys (seed 15): definitions, their published versions, enrolments, the steps each took, and the
per-customer count of journey sends (the frequency cap).

A published version is never written again; an enrolment row exists for every enrolment ever made, so the
re-entry policy holds beyond Temporal's retention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow


class Journey(TenantScoped, Timestamped, Base):
    """A journey being designed: its draft graph, and the version new enrolments get (None until published).
    `layout` is where the designer's nodes were put (node id -> {x, y}): presentation only, never published."""

    __tablename__ = "journeys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str | None] = mapped_column(String(36))
    draft: Mapped[dict[str, Any]] = mapped_column(JSONType)
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    trigger: Mapped[str] = mapped_column(String(24))
    published_version: Mapped[int | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(36))


class JourneyVersion(TenantScoped, Base):
    """A published graph: immutable, pinned by every enrolment made while it was the journey's version."""

    __tablename__ = "journey_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "journey_id", "version", name="journey_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    graph: Mapped[dict[str, Any]] = mapped_column(JSONType)
    account_id: Mapped[str | None] = mapped_column(String(36))
    published_by: Mapped[str] = mapped_column(String(36))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class JourneyEnrolment(TenantScoped, Base):
    """One customer's pass through one journey version; `running` until it exits."""

    __tablename__ = "journey_enrolments"
    __table_args__ = (
        Index("ix_journey_enrolments_customer", "tenant_id", "journey_id", "customer_id", "entered_at"),
        Index("ix_journey_enrolments_running", "tenant_id", "customer_id", "status"),
        # One running enrolment per journey and customer, whatever two dispatches decide at once.
        Index(
            "uq_journey_enrolments_one_running",
            "tenant_id",
            "journey_id",
            "customer_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="running")
    trigger: Mapped[str] = mapped_column(String(24))
    current_node: Mapped[str | None] = mapped_column(String(40))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    exited_at: Mapped[datetime | None] = mapped_column()
    exit_reason: Mapped[str | None] = mapped_column(String(16))
    goal_reached: Mapped[bool] = mapped_column(default=False)
    workflow_id: Mapped[str] = mapped_column(String(300))


class JourneyStep(TenantScoped, Base):
    """One node an enrolment passed and how (statistics per node); `task_needed` marks a refused send that a
    follow-up task should take over."""

    __tablename__ = "journey_steps"
    __table_args__ = (
        UniqueConstraint("tenant_id", "enrolment_id", "seq", name="journey_step_seq"),
        Index("ix_journey_steps_journey", "tenant_id", "journey_id", "node_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("journey_enrolments.id", ondelete="CASCADE"))
    journey_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    node_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    task_needed: Mapped[bool] = mapped_column(default=False)
    due_at: Mapped[datetime | None] = mapped_column()
    at: Mapped[datetime] = mapped_column()


class JourneySendCount(Base):
    """How many journey messages a customer got on one day of the tenant's zone (all journeys together), and
    how many of them were proactive; incremented atomically under the caps."""

    __tablename__ = "journey_send_counts"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    sent: Mapped[int] = mapped_column(default=0)
    proactive: Mapped[int] = mapped_column(default=0)


class JourneySendGrant(TenantScoped, Base):
    """The answer given to one send (by its step key), so a retried update or activity counts once."""

    __tablename__ = "journey_send_grants"
    __table_args__ = (UniqueConstraint("tenant_id", "step_key", name="journey_send_grant_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    step_key: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[str] = mapped_column(String(36))
    day: Mapped[str] = mapped_column(String(10))
    proactive: Mapped[bool] = mapped_column(default=False)
    allowed: Mapped[bool] = mapped_column()
    refusal: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    returned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
