"""replications record the calendar entries their variants were auto-scheduled into

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_schedule_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "calendar_entry_ids",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("replications", schema=None) as batch_op:
        batch_op.drop_column("calendar_entry_ids")
        batch_op.drop_column("auto_schedule_reason")
