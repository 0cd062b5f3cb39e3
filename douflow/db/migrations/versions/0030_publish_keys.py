"""publishes carry their business key: the content version sent and the calendar occurrence

A partial unique index refuses a second live publish (publishing, under review, published,
unconfirmed) of one content version to one account for one occurrence. Rows from before version
pinning keep a NULL version and stay outside the index.

Revision ID: 0030
Revises: 0020
Create Date: 2026-12-02 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0020"
branch_labels = None
depends_on = None

LIVE = "status IN ('published', 'publishing', 'unconfirmed', 'under_review')"


def upgrade() -> None:
    with op.batch_alter_table("publishes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence", sa.String(length=32), nullable=False, server_default=""))
    op.create_index(
        "uq_publishes_live_key",
        "publishes",
        ["tenant_id", "content_id", "content_version", "account_id", "occurrence"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_publishes_live_key", table_name="publishes")
    with op.batch_alter_table("publishes", schema=None) as batch_op:
        batch_op.drop_column("occurrence")
        batch_op.drop_column("content_version")
