"""the review dashboard's customer side: each opening of a conversation (attribution, first response, who
answered, when it closed), deals, and the indexes the funnel reads by

Revision ID: 0053
Revises: 0046
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import douflow.db.base

revision = "0053"
down_revision = "0046"
branch_labels = None
depends_on = None

WHEN = douflow.db.base.UTCDateTime(timezone=True)
SENT = ("sent", "unconfirmed")
HUMAN = ("agent", "douyin_app")
CHUNK = 1000


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attributed_item_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attributed_content_id", sa.String(length=36), nullable=True))
    op.create_table(
        "conversation_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("attributed_item_id", sa.String(length=200), nullable=True),
        sa.Column("attributed_content_id", sa.String(length=36), nullable=True),
        sa.Column("attributed_via", sa.String(length=40), nullable=True),
        sa.Column("attributed_at", WHEN, nullable=True),
        sa.Column("first_customer_at", WHEN, nullable=True),
        sa.Column("first_reply_at", WHEN, nullable=True),
        sa.Column("first_reply_by", sa.String(length=16), nullable=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("human_replied", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("agent_user_id", sa.String(length=36), nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_sessions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_sessions")),
    )
    with op.batch_alter_table("conversation_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_sessions_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_conversation_sessions_opened",
            ["tenant_id", "opened_at", "account_id", "attributed_item_id", "agent_user_id"],
        )
        batch_op.create_index(
            "ix_conversation_sessions_first_customer",
            ["tenant_id", "first_customer_at", "account_id", "first_response_seconds", "first_reply_at"],
        )
        batch_op.create_index(
            "ix_conversation_sessions_closed", ["tenant_id", "closed_at", "account_id", "human_replied"]
        )
        batch_op.create_index(
            "ix_conversation_sessions_conversation", ["tenant_id", "conversation_id", "opened_at"]
        )
        batch_op.create_index("ix_conversation_sessions_customer", ["tenant_id", "customer_id", "opened_at"])
    op.create_table(
        "deals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("lead_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("agent_user_id", sa.String(length=36), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("closed_at", WHEN, nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_deals_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_deals_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["agent_user_id"], ["users.id"], name=op.f("fk_deals_agent_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["conversation_sessions.id"],
            name=op.f("fk_deals_session_id_conversation_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("tenant_id", "task_id", name="deal_task"),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_deals_tenant_closed", ["tenant_id", "closed_at"])
        batch_op.create_index("ix_deals_tenant_lead", ["tenant_id", "lead_id"])
        batch_op.create_index("ix_deals_tenant_customer", ["tenant_id", "customer_id", "closed_at"])
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comments_tenant_commented", ["tenant_id", "commented_at", "account_id", "item_id"]
        )
        batch_op.create_index("ix_comments_tenant_author", ["tenant_id", "author_open_id", "commented_at"])
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=36), nullable=True))
    _backfill()
    # Each existing conversation's one opening is stored under the conversation's id.
    op.execute("UPDATE leads SET session_id = conversation_id WHERE conversation_id IS NOT NULL")


def _backfill() -> None:
    """One opening per existing conversation (under the conversation's id), its first response and whether a
    person answered read from its transcript; attribution is left empty (counted as unattributed)."""
    bind = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.String),
        sa.column("tenant_id", sa.String),
        sa.column("account_id", sa.String),
        sa.column("customer_id", sa.String),
        sa.column("state", sa.String),
        sa.column("opened_at", WHEN),
        sa.column("updated_at", WHEN),
    )
    messages = sa.table(
        "conversation_messages",
        sa.column("conversation_id", sa.String),
        sa.column("author", sa.String),
        sa.column("author_user_id", sa.String),
        sa.column("status", sa.String),
        sa.column("created_at", WHEN),
    )
    sessions = sa.table(
        "conversation_sessions",
        *[sa.column(name) for name in ("id", "tenant_id", "conversation_id", "account_id", "customer_id")],
        sa.column("opened_at", WHEN),
        sa.column("first_customer_at", WHEN),
        sa.column("first_reply_at", WHEN),
        sa.column("first_reply_by", sa.String),
        sa.column("first_response_seconds", sa.Integer),
        sa.column("human_replied", sa.Boolean),
        sa.column("agent_user_id", sa.String),
        sa.column("closed_at", WHEN),
    )
    facts: dict[str, dict[str, Any]] = {}
    transcript = bind.execute(sa.select(messages).order_by(messages.c.conversation_id, messages.c.created_at))
    for message in transcript:
        fact = facts.setdefault(message.conversation_id, {})
        _fold(fact, message.author, message.status, message.author_user_id, message.created_at)
    rows = [
        {
            "id": c.id,
            "tenant_id": c.tenant_id,
            "conversation_id": c.id,
            "account_id": c.account_id,
            "customer_id": c.customer_id,
            "opened_at": c.opened_at,
            "closed_at": c.updated_at if c.state == "closed" else None,
            "first_customer_at": None,
            "first_reply_at": None,
            "first_reply_by": None,
            "first_response_seconds": None,
            "human_replied": False,
            "agent_user_id": None,
        }
        | facts.get(c.id, {})
        for c in bind.execute(sa.select(conversations))
    ]
    for start in range(0, len(rows), CHUNK):
        bind.execute(sa.insert(sessions), rows[start : start + CHUNK])


def _fold(fact: dict[str, Any], author: str, status: str, user_id: str | None, at: datetime) -> None:
    if author == "customer":
        fact.setdefault("first_customer_at", at)
        return
    if status not in SENT:
        return
    if author in HUMAN:
        fact["human_replied"] = True
        if fact.get("agent_user_id") is None:
            fact["agent_user_id"] = user_id
    first = fact.get("first_customer_at")
    if first is not None and "first_reply_at" not in fact:
        fact["first_reply_at"], fact["first_reply_by"] = at, author
        fact["first_response_seconds"] = max(0, round((at - first).total_seconds()))


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("session_id")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_tenant_author")
        batch_op.drop_index("ix_comments_tenant_commented")
    op.drop_table("deals")
    op.drop_table("conversation_sessions")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("attributed_content_id")
        batch_op.drop_column("attributed_item_id")
