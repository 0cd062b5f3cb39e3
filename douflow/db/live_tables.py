"""The live event log: what the BFF's event stream tails (new messages, conversation states, publish statuses,
tasks falling due). Append-only and tenant-scoped; each row is written in the transaction of the change it
reports, and rows older than LIVE_EVENTS_RETENTION_HOURS are pruned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, utcnow

# A 64-bit serial on PostgreSQL; SQLite numbers rows only through an INTEGER primary key.
EVENT_ID = BigInteger().with_variant(Integer(), "sqlite")


class LiveEvent(Base):
    """One change a console should see at once; `id` orders a tenant's events and resumes a stream."""

    __tablename__ = "live_events"
    # AUTOINCREMENT on SQLite: ids are never reused, even once pruning emptied the table.
    __table_args__ = (Index("ix_live_events_tenant_id_id", "tenant_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(EVENT_ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    # The row the event is about (conversation, publish, task) and, where it concerns one person, that user.
    subject_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
