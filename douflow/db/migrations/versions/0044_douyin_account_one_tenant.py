"""a Douyin account is held by one tenant at a time: a partial unique index on held open_ids

Rows that are revoked or unbound hold nothing and stay outside the index. A database where two tenants
already hold one open_id cannot take the index: the upgrade stops and names the open_ids, so an operator
decides which tenant keeps each (unbinding it in the others) rather than the migration choosing.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

HELD = "status NOT IN ('revoked', 'unbound')"


def upgrade() -> None:
    shared = (
        op.get_bind()
        .execute(
            sa.text(
                f"SELECT open_id FROM douyin_accounts WHERE {HELD} "
                "GROUP BY open_id HAVING COUNT(DISTINCT tenant_id) > 1"
            )
        )
        .scalars()
        .all()
    )
    if shared:
        raise RuntimeError(
            "Douyin accounts held by more than one tenant; unbind each in all but one tenant, then "
            f"upgrade again: {', '.join(shared)}"
        )
    op.create_index(
        "uq_douyin_accounts_held_open_id",
        "douyin_accounts",
        ["open_id"],
        unique=True,
        sqlite_where=sa.text(HELD),
        postgresql_where=sa.text(HELD),
    )


def downgrade() -> None:
    op.drop_index("uq_douyin_accounts_held_open_id", table_name="douyin_accounts")
