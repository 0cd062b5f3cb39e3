"""customers, their private-message conversations with the tenant's accounts and every message both ways,
and the tenant's pause of the bot after a human reply

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = douflow.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("human_pause_minutes", sa.Integer(), server_default=sa.text("30"), nullable=False)
        )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("open_id", sa.String(length=200), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=True),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("tenant_id", "open_id", name="customer_open_id"),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("douyin_conversation_id", sa.String(length=200), nullable=True),
        sa.Column("workflow_id", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("paused_until", WHEN, nullable=True),
        sa.Column("handoff_reason", sa.Text(), nullable=True),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("last_message_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["douyin_accounts.id"],
            name=op.f("fk_conversations_account_id_douyin_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_conversations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("tenant_id", "account_id", "customer_id", name="conversation_account_customer"),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversations_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_conversations_tenant_state", ["tenant_id", "state", "last_message_at"], unique=False
        )
    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("author_user_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("douyin_msg_id", sa.String(length=200), nullable=True),
        sa.Column("reply_to_msg_id", sa.String(length=200), nullable=True),
        sa.Column("suggestion_id", sa.String(length=36), nullable=True),
        sa.Column("decision", JSON, nullable=True),
        sa.Column("findings", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_messages")),
        sa.UniqueConstraint("tenant_id", "douyin_msg_id", name="conversation_message_douyin_id"),
    )
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_messages_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_conversation_messages_conversation",
            ["tenant_id", "conversation_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("conversation_messages")
    op.drop_table("conversations")
    op.drop_table("customers")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("human_pause_minutes")
