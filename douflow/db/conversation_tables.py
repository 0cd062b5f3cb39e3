"""Customers, their conversations with a bound account, and each message both ways (seed 10-14).

orchestration-service's own store: the conversation workflow writes it through its activities, the BFF reads
it. Messages are written with ids the workflow derives, so a retried write finds the row it made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow
from models.conversations import ConversationState, MessageAuthor, MessageStatus


class Customer(TenantScoped, Timestamped, Base):
    """A Douyin user who wrote to one of the tenant's accounts (open_ids are per app, so one per tenant)."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("tenant_id", "open_id", name="customer_open_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    open_id: Mapped[str] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(100))
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tags given by score thresholds (seed 12), and the level the thresholds last saw.
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    level: Mapped[str] = mapped_column(String(8), default="cold", server_default="cold")
    # The customer asked for no more messages (退订): journeys send them nothing proactive from then on.
    unsubscribed_at: Mapped[datetime | None] = mapped_column()


class Conversation(TenantScoped, Timestamped, Base):
    """One account's private-message conversation with one customer; its owner lives in the workflow and is
    mirrored here for lists."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "customer_id", name="conversation_account_customer"),
        Index("ix_conversations_tenant_state", "tenant_id", "state", "last_message_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("douyin_accounts.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    douyin_conversation_id: Mapped[str | None] = mapped_column(String(200))
    workflow_id: Mapped[str] = mapped_column(String(300))
    state: Mapped[ConversationState] = mapped_column(String(16), default="bot")
    owner_id: Mapped[str | None] = mapped_column(String(36))
    paused_until: Mapped[datetime | None] = mapped_column()
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the current opening came from (douflow/customers/attribution.py); None: unattributed.
    attributed_item_id: Mapped[str | None] = mapped_column(String(200))
    attributed_content_id: Mapped[str | None] = mapped_column(String(36))


class ConversationMessage(TenantScoped, Base):
    """One message of a transcript, both directions, with what the bot decided and what compliance found."""

    __tablename__ = "conversation_messages"
    __table_args__ = (
        Index("ix_conversation_messages_conversation", "tenant_id", "conversation_id", "created_at"),
        UniqueConstraint("tenant_id", "douyin_msg_id", name="conversation_message_douyin_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author: Mapped[MessageAuthor] = mapped_column(String(16))
    author_user_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[MessageStatus] = mapped_column(String(16))
    msg_type: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    douyin_msg_id: Mapped[str | None] = mapped_column(String(200))
    reply_to_msg_id: Mapped[str | None] = mapped_column(String(200))
    suggestion_id: Mapped[str | None] = mapped_column(String(36))
    media_key: Mapped[str | None] = mapped_column(String(300))
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    findings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentPresence(TenantScoped, Base):
    """Whether a person who works conversations takes handed-off ones now, and when one was last given to them
    (round-robin goes to whoever waited longest)."""

    __tablename__ = "agent_presence"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    available: Mapped[bool] = mapped_column(default=False)
    last_assigned_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CustomerEvent(TenantScoped, Base):
    """One behaviour of a customer (seed 12), append-only; its source key makes a redelivery a no-op."""

    __tablename__ = "customer_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source_key", name="customer_event_source"),
        Index("ix_customer_events_customer", "tenant_id", "customer_id", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    source_key: Mapped[str] = mapped_column(String(300))
    occurred_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoringRuleSet(Base):
    """A tenant's scoring rules as one document (`models.customers.ScoringRules`); none: the defaults."""

    __tablename__ = "scoring_rules"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScoreCrossing(TenantScoped, Base):
    """A customer's score crossing a threshold (or their level changing), with the actions it fired; the
    latest row per (customer, key) tells whether the customer is above, so actions fire once per crossing."""

    __tablename__ = "score_crossings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_id", "key", "seq", name="score_crossing_seq"),
        Index("ix_score_crossings_customer", "tenant_id", "customer_id", "key", "seq"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column()
    above: Mapped[bool] = mapped_column()
    value: Mapped[str] = mapped_column(String(40), default="")
    actions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    at: Mapped[datetime] = mapped_column()


class Lead(TenantScoped, Base):
    """Contact details a customer gave in a conversation (seed 13): consent is that they gave it there."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source_key", name="lead_source"),
        Index("ix_leads_tenant_created", "tenant_id", "created_at"),
        Index("ix_leads_customer", "tenant_id", "customer_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(11))
    wechat: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(300))
    consent: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The opening of the conversation it was left in (douflow/db/funnel_tables.py), for the review dashboard.
    session_id: Mapped[str | None] = mapped_column(String(36))
