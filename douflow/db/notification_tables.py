"""Who each notification is for, with a read mark per person, and the tenant's group-robot webhooks (seed 16).

The notification itself stays in `notifications` (metrics_tables); its recipients are resolved to users when it
is written, so someone who joins later does not inherit old ones, and one person's read mark is theirs alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow
from models.notifications import WebhookKind


class NotificationRecipient(TenantScoped, Base):
    __tablename__ = "notification_recipients"
    __table_args__ = (Index("ix_notification_recipients_user", "tenant_id", "user_id", "read_at"),)

    notification_id: Mapped[str] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationWebhook(TenantScoped, Timestamped, Base):
    """A group robot of the tenant; the secret is encrypted like Douyin tokens (SecretBox)."""

    __tablename__ = "notification_webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[WebhookKind] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1000))
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    # Notification kinds it receives; empty: every kind.
    kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(36))
    last_posted_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
