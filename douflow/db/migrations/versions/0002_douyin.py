"""douyin accounts, oauth states, webhook inbox, publishes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:37:39.857014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "douyin_accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("open_id", sa.String(length=100), nullable=False),
        sa.Column("union_id", sa.String(length=100), nullable=True),
        sa.Column("nickname", sa.String(length=100), nullable=False),
        sa.Column("avatar", sa.String(length=500), nullable=False),
        sa.Column("account_role", sa.String(length=20), nullable=False),
        sa.Column(
            "scopes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("access_token_enc", sa.Text(), nullable=True),
        sa.Column("refresh_token_enc", sa.Text(), nullable=True),
        sa.Column("access_expires_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refresh_expires_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("renewals_left", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("bound_by", sa.String(length=36), nullable=False),
        sa.Column("bound_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unbound_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_douyin_accounts")),
        sa.UniqueConstraint("tenant_id", "open_id", name="tenant_open_id"),
    )
    with op.batch_alter_table("douyin_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_douyin_accounts_open_id"), ["open_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_douyin_accounts_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "oauth_states",
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_oauth_states")),
    )
    with op.batch_alter_table("oauth_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_states_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "webhook_events",
        sa.Column("msg_id", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=True),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("from_user_id", sa.String(length=100), nullable=True),
        sa.Column("to_user_id", sa.String(length=100), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("msg_id", name=op.f("pk_webhook_events")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_events_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "publishes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("content_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("item_id", sa.String(length=200), nullable=True),
        sa.Column("share_url", sa.String(length=500), nullable=True),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("published_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["douyin_accounts.id"],
            name=op.f("fk_publishes_account_id_douyin_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["content_id"], ["contents.id"], name=op.f("fk_publishes_content_id_contents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publishes")),
    )
    with op.batch_alter_table("publishes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_publishes_tenant_content_account", ["tenant_id", "content_id", "account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_publishes_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publishes_workflow_id"), ["workflow_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("publishes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publishes_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_publishes_tenant_id"))
        batch_op.drop_index("ix_publishes_tenant_content_account")

    op.drop_table("publishes")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_tenant_id"))

    op.drop_table("webhook_events")
    with op.batch_alter_table("oauth_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_states_tenant_id"))

    op.drop_table("oauth_states")
    with op.batch_alter_table("douyin_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_douyin_accounts_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_douyin_accounts_open_id"))

    op.drop_table("douyin_accounts")
