"""Customers, their conversations with a bound account, and each message both ways (seed 10-14).

orchestration-service's own store: the conversation workflow writes it through its activities, the BFF reads
it. Messages are written with ids the workflow derives, so a retried write finds the row it made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
