"""whether each person who works conversations takes handed-off ones, for round-robin assignment, and the
image a customer sent with a message

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-04 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import douflow.db.base

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None

WHEN = douflow.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agent_presence",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("last_assigned_at", WHEN, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_agent_presence_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agent_presence")),
    )
    with op.batch_alter_table("agent_presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_presence_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_key", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.drop_column("media_key")
    op.drop_table("agent_presence")
