"""customers' comments on the tenant's accounts' items and what triage did with each

Revision ID: 0048
Revises: 0045
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0048"
down_revision = "0045"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = douflow.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("reply_to_comment_id", sa.String(length=200), nullable=True),
        sa.Column("author_open_id", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("commented_at", WHEN, nullable=False),
        sa.Column("workflow_id", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("reply_comment_id", sa.String(length=200), nullable=True),
        sa.Column("findings", JSON, nullable=False),
        sa.Column("cited", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["douyin_accounts.id"],
            name=op.f("fk_comments_account_id_douyin_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("tenant_id", "account_id", "comment_id", name="comment_account_douyin_id"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_comments_tenant_status", ["tenant_id", "status", "created_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("comments")
