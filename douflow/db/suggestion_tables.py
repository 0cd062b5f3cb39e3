"""Reply suggestions made for agents and whether they were sent (seed 11), so acceptance can be measured.

orchestration-service's own store beside the conversations: the suggestion workflow writes a set, the record
of an agent's reply marks the suggestion it was made from as used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, new_id, utcnow
from models.suggestions import SuggestionStyle


class Suggestion(TenantScoped, Base):
    """One draft of a set; the set answers the customer message `based_on` (a conversation message id)."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_conversation", "tenant_id", "conversation_id", "created_at"),
        Index("ix_suggestions_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    set_id: Mapped[str] = mapped_column(String(36), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    based_on: Mapped[str | None] = mapped_column(String(36))
    style: Mapped[SuggestionStyle] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    # Knowledge entry ids, and the set's materials tagged `offers:` / `material:` (douflow/customers/suggestions.py).
    citations: Mapped[list[str]] = mapped_column(JSONType, default=list)
    holding: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    requested_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()
    used_by: Mapped[str | None] = mapped_column(String(36))
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
