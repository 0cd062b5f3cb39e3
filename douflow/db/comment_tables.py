"""Customers' comments on the tenant's accounts' items and what triage did with each (seed 10).

orchestration-service's own store: the comment triage workflow writes it through its activities, the BFF reads
it. One row per (tenant, account, Douyin comment id), so a retried write finds the row it made.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow
from models.comments import CommentAction, CommentStatus


class ItemComment(TenantScoped, Timestamped, Base):
    """A customer's comment, the reply the account made under it (or why none), and compliance's findings."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "comment_id", name="comment_account_douyin_id"),
        Index("ix_comments_tenant_status", "tenant_id", "status", "created_at"),
        # Attribution: a customer's last comment on an account's items.
        Index("ix_comments_tenant_author", "tenant_id", "author_open_id", "commented_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("douyin_accounts.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(200))
    comment_id: Mapped[str] = mapped_column(String(200))
    reply_to_comment_id: Mapped[str | None] = mapped_column(String(200))
    author_open_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    commented_at: Mapped[datetime] = mapped_column(default=utcnow)
    workflow_id: Mapped[str] = mapped_column(String(300))
    status: Mapped[CommentStatus] = mapped_column(String(16), default="received")
    action: Mapped[CommentAction | None] = mapped_column(String(16))
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_comment_id: Mapped[str | None] = mapped_column(String(200))
    findings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    cited: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
