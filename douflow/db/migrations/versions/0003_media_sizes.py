"""media sizes beyond 2 GB: content_assets.size_bytes becomes a 64-bit integer (videos go up to 4 GB)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 17:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite's INTEGER is already 64-bit; rebuilding the table there would gain nothing.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("content_assets", "size_bytes", type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("content_assets", "size_bytes", type_=sa.Integer(), existing_nullable=False)
