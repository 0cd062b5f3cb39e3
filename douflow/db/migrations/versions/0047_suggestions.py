"""reply suggestions made for agents, the customer message each set answers, and whether each was sent

Revision ID: 0047
Revises: 0049
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0047"
down_revision = "0049"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = douflow.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("set_id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("based_on", sa.String(length=36), nullable=True),
        sa.Column("style", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("citations", JSON, nullable=False),
        sa.Column("holding", sa.Boolean(), nullable=False),
        sa.Column("findings", JSON, nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.Column("used_by", sa.String(length=36), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_suggestions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestions_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestions_set_id"), ["set_id"], unique=False)
        batch_op.create_index(
            "ix_suggestions_conversation", ["tenant_id", "conversation_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_suggestions_tenant_created", ["tenant_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("suggestions")
