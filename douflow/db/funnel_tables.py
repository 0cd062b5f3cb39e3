"""What the review dashboard's customer side counts (seed 18): each opening of a conversation, and deals.

A conversation row lives as long as the (account, customer) pair and reopens after it closed, so the funnel
counts its openings: one row each, written as it happens (attribution when it opens, the first reply when it
is sent, whether a person answered, when it closed). The dashboard reads none of these rows: it sums the
daily rollup (`funnel_days`), which the same writes keep (douflow/customers/funnel_days.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, TenantScoped, new_id, utcnow


class ConversationSession(TenantScoped, Base):
    """One opening of a conversation, from its first contact (or reopening) until it closed."""

    __tablename__ = "conversation_sessions"
    __table_args__ = (
        # Openings waiting for their first reply (the dashboard's pending count).
        Index("ix_conversation_sessions_first_customer", "tenant_id", "first_customer_at"),
        Index("ix_conversation_sessions_conversation", "tenant_id", "conversation_id", "opened_at"),
        Index("ix_conversation_sessions_customer", "tenant_id", "customer_id", "opened_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The customer's last engagement with one of the account's items before it opened (None: unattributed).
    attributed_item_id: Mapped[str | None] = mapped_column(String(200))
    attributed_content_id: Mapped[str | None] = mapped_column(String(36))
    attributed_via: Mapped[str | None] = mapped_column(String(40))
    attributed_at: Mapped[datetime | None] = mapped_column()
    first_customer_at: Mapped[datetime | None] = mapped_column()
    first_reply_at: Mapped[datetime | None] = mapped_column()
    first_reply_by: Mapped[str | None] = mapped_column(String(16))
    first_response_seconds: Mapped[int | None] = mapped_column()
    # Whether a person sent a message in it (through DouFlow or in the Douyin app), and the first such
    # DouFlow user; no person: the bot alone answered.
    human_replied: Mapped[bool] = mapped_column(default=False, server_default=false())
    agent_user_id: Mapped[str | None] = mapped_column(String(36))
    closed_at: Mapped[datetime | None] = mapped_column()


class Deal(TenantScoped, Base):
    """A sale an agent recorded for a customer, on a lead or a follow-up task; credited to the opening of a
    conversation it came from (the lead's, else the customer's latest before the deal)."""

    __tablename__ = "deals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "task_id", name="deal_task"),
        Index("ix_deals_tenant_closed", "tenant_id", "closed_at"),
        Index("ix_deals_tenant_lead", "tenant_id", "lead_id"),
        Index("ix_deals_tenant_customer", "tenant_id", "customer_id", "closed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    # A follow-up task's id (tasks live in another part of the store: no foreign key).
    task_id: Mapped[str | None] = mapped_column(String(36))
    agent_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime] = mapped_column()
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversation_sessions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FunnelDay(Base):
    """The customer funnel of one local day (span `day`) or month (span `month`, `day` its first day; a
    period's whole months read one row instead of thirty) of one account (tenant time zone), by one facet:
    item (key: the item, '' unattributed), agent (the first person who answered, '' none), source (a lead
    source, `without_lead`), closed (`bot` / `human`), response (first-response bucket in seconds, ''
    unanswered). Kept by the writes themselves, each change once (douflow/customers/funnel_days.py)."""

    __tablename__ = "funnel_days"
    __table_args__ = ({"sqlite_with_rowid": False},)

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facet: Mapped[str] = mapped_column(String(8), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    private_messages: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    leads: Mapped[int] = mapped_column(BigInteger, default=0)
    converted: Mapped[int] = mapped_column(BigInteger, default=0)
    deals: Mapped[int] = mapped_column(BigInteger, default=0)
    deal_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
