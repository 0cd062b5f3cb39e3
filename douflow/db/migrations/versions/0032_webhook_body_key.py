"""webhook inbox: the body's identity, unique, so a delivery replayed under a new Msg-Id is recognised

Existing rows get the identity of their stored event (the oldest row keeps it when several share one), so
bodies captured before this release are recognised too.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

BATCH = 500


def _identity(payload: Any) -> str:
    """The digest douflow.douyin.events.identity computed when this revision was written."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _backfill() -> None:
    events = sa.table(
        "webhook_events",
        sa.column("msg_id", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("received_at", sa.DateTime()),
        sa.column("body_key", sa.String()),
    )
    bind = op.get_bind()
    seen: set[str] = set()
    offset = 0
    while True:
        rows = bind.execute(
            sa.select(events.c.msg_id, events.c.payload)
            .order_by(events.c.received_at, events.c.msg_id)
            .limit(BATCH)
            .offset(offset)
        ).all()
        for msg_id, payload in rows:
            key = _identity(json.loads(payload) if isinstance(payload, str) else payload)
            if key not in seen:
                seen.add(key)
                bind.execute(events.update().where(events.c.msg_id == msg_id).values(body_key=key))
        if len(rows) < BATCH:
            return
        offset += BATCH


def upgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_key", sa.String(length=64), nullable=True))
    _backfill()
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_webhook_events_body_key"), ["body_key"])


def downgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_webhook_events_body_key"), type_="unique")
        batch_op.drop_column("body_key")
