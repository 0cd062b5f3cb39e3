"""the review dashboard's customer side: each opening of a conversation (attribution, first response, who
answered, when it closed), deals, and the indexes the funnel reads by

Revision ID: 0053
Revises: 0051
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import douflow.db.base

revision = "0053"
down_revision = "0051"
branch_labels = None
depends_on = None

WHEN = douflow.db.base.UTCDateTime(timezone=True)
DEFAULT_ZONE = "Asia/Shanghai"
COUNTERS = ("private_messages", "comments", "leads", "converted", "deals", "deal_amount_fen", "n")
BOUNDS = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800,
)  # fmt: skip
SENT = ("sent", "unconfirmed")
HUMAN = ("agent", "douyin_app")
CHUNK = 1000


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attributed_item_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attributed_content_id", sa.String(length=36), nullable=True))
    op.create_table(
        "conversation_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("attributed_item_id", sa.String(length=200), nullable=True),
        sa.Column("attributed_content_id", sa.String(length=36), nullable=True),
        sa.Column("attributed_via", sa.String(length=40), nullable=True),
        sa.Column("attributed_at", WHEN, nullable=True),
        sa.Column("first_customer_at", WHEN, nullable=True),
        sa.Column("first_reply_at", WHEN, nullable=True),
        sa.Column("first_reply_by", sa.String(length=16), nullable=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("human_replied", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("agent_user_id", sa.String(length=36), nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_sessions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_sessions")),
    )
    with op.batch_alter_table("conversation_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_sessions_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_conversation_sessions_first_customer", ["tenant_id", "first_customer_at"])
        batch_op.create_index(
            "ix_conversation_sessions_conversation", ["tenant_id", "conversation_id", "opened_at"]
        )
        batch_op.create_index("ix_conversation_sessions_customer", ["tenant_id", "customer_id", "opened_at"])
    op.create_table(
        "deals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("lead_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("agent_user_id", sa.String(length=36), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("closed_at", WHEN, nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_deals_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_deals_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["agent_user_id"], ["users.id"], name=op.f("fk_deals_agent_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["conversation_sessions.id"],
            name=op.f("fk_deals_session_id_conversation_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("tenant_id", "task_id", name="deal_task"),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_deals_tenant_closed", ["tenant_id", "closed_at"])
        batch_op.create_index("ix_deals_tenant_lead", ["tenant_id", "lead_id"])
        batch_op.create_index("ix_deals_tenant_customer", ["tenant_id", "customer_id", "closed_at"])
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_tenant_author", ["tenant_id", "author_open_id", "commented_at"])
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=36), nullable=True))
    op.create_table(
        "funnel_days",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("span", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in COUNTERS],
        sa.PrimaryKeyConstraint(
            "tenant_id", "span", "day", "facet", "account_id", "key", name=op.f("pk_funnel_days")
        ),
        sqlite_with_rowid=False,
    )
    openings = _backfill()
    # Each existing conversation's one opening is stored under the conversation's id.
    op.execute("UPDATE leads SET session_id = conversation_id WHERE conversation_id IS NOT NULL")
    _rollup(openings)


def _backfill() -> list[dict[str, Any]]:
    """One opening per existing conversation (under the conversation's id), its first response and whether a
    person answered read from its transcript; attribution is left empty (counted as unattributed)."""
    bind = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.String),
        sa.column("tenant_id", sa.String),
        sa.column("account_id", sa.String),
        sa.column("customer_id", sa.String),
        sa.column("state", sa.String),
        sa.column("opened_at", WHEN),
        sa.column("updated_at", WHEN),
    )
    messages = sa.table(
        "conversation_messages",
        sa.column("conversation_id", sa.String),
        sa.column("author", sa.String),
        sa.column("author_user_id", sa.String),
        sa.column("status", sa.String),
        sa.column("created_at", WHEN),
    )
    sessions = sa.table(
        "conversation_sessions",
        *[sa.column(name) for name in ("id", "tenant_id", "conversation_id", "account_id", "customer_id")],
        sa.column("opened_at", WHEN),
        sa.column("first_customer_at", WHEN),
        sa.column("first_reply_at", WHEN),
        sa.column("first_reply_by", sa.String),
        sa.column("first_response_seconds", sa.Integer),
        sa.column("human_replied", sa.Boolean),
        sa.column("agent_user_id", sa.String),
        sa.column("closed_at", WHEN),
    )
    facts: dict[str, dict[str, Any]] = {}
    transcript = bind.execute(sa.select(messages).order_by(messages.c.conversation_id, messages.c.created_at))
    for message in transcript:
        fact = facts.setdefault(message.conversation_id, {})
        _fold(fact, message.author, message.status, message.author_user_id, message.created_at)
    rows = [
        {
            "id": c.id,
            "tenant_id": c.tenant_id,
            "conversation_id": c.id,
            "account_id": c.account_id,
            "customer_id": c.customer_id,
            "opened_at": c.opened_at,
            "closed_at": c.updated_at if c.state == "closed" else None,
            "first_customer_at": None,
            "first_reply_at": None,
            "first_reply_by": None,
            "first_response_seconds": None,
            "human_replied": False,
            "agent_user_id": None,
        }
        | facts.get(c.id, {})
        for c in bind.execute(sa.select(conversations))
    ]
    for start in range(0, len(rows), CHUNK):
        bind.execute(sa.insert(sessions), rows[start : start + CHUNK])
    return rows


def _rollup(openings: list[dict[str, Any]]) -> None:
    """The daily rollup of what exists, by each tenant's local day, as the writes keep it from now on."""
    bind = op.get_bind()
    zones = {
        tenant: _zone(zone) for tenant, zone in bind.execute(sa.text("SELECT id, timezone FROM tenants"))
    }
    days: dict[tuple[str, str, date, str, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTERS, 0)
    )

    def add(
        tenant: str, at: datetime, facet: str, account: str | None, key: str | None, **delta: int
    ) -> None:
        day = _aware(at).astimezone(zones.get(tenant, ZoneInfo(DEFAULT_ZONE))).date()
        for span, first in (("day", day), ("month", day.replace(day=1))):
            for name, value in delta.items():
                days[(tenant, span, first, facet, account or "", key or "")][name] += value

    by_id = {o["id"]: o for o in openings}
    for o in openings:
        tenant, account = o["tenant_id"], o["account_id"]
        add(tenant, o["opened_at"], "item", account, None, private_messages=1)
        add(tenant, o["opened_at"], "agent", account, o["agent_user_id"], private_messages=1)
        if o["first_customer_at"] is not None:
            seconds = o["first_response_seconds"]
            bucket = "" if seconds is None else str(_bucket(seconds))
            add(tenant, o["first_customer_at"], "response", account, bucket, n=1)
        if o["closed_at"] is not None:
            add(tenant, o["closed_at"], "closed", account, "human" if o["human_replied"] else "bot", n=1)
    leads = sa.text("SELECT tenant_id, source, created_at, conversation_id FROM leads")
    for tenant, source, at, conversation in bind.execute(leads):
        opening = by_id.get(conversation or "")
        account = opening["account_id"] if opening else None
        add(tenant, at, "item", account, None, leads=1)
        add(tenant, at, "agent", account, opening["agent_user_id"] if opening else None, leads=1)
        add(tenant, at, "source", account, source, leads=1)
    comments = sa.text("SELECT tenant_id, account_id, item_id, commented_at FROM comments")
    for tenant, account, item, at in bind.execute(comments):
        add(tenant, at, "item", account, item, comments=1)
    table = sa.table("funnel_days", *[sa.column(c) for c in ("tenant_id", "span", "day", "facet", "account_id", "key")],
                     *[sa.column(c) for c in COUNTERS])  # fmt: skip
    rows = [
        dict(zip(("tenant_id", "span", "day", "facet", "account_id", "key"), key, strict=True)) | values
        for key, values in days.items()
    ]
    for start in range(0, len(rows), CHUNK):
        bind.execute(sa.insert(table), rows[start : start + CHUNK])


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ValueError, KeyError):  # an unknown zone counts as the default, as the dashboard reads it
        return ZoneInfo(DEFAULT_ZONE)


def _aware(at: datetime | str) -> datetime:
    """Times read back from SQLite by a plain text query come as text, without a zone: they are UTC."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _bucket(seconds: int) -> int:
    """As douflow/customers/funnel_days.py counts first responses (kept here as it was at this revision)."""
    return next((bound for bound in BOUNDS if seconds <= bound), 10**9)


def _fold(fact: dict[str, Any], author: str, status: str, user_id: str | None, at: datetime) -> None:
    if author == "customer":
        fact.setdefault("first_customer_at", at)
        return
    if status not in SENT:
        return
    if author in HUMAN:
        fact["human_replied"] = True
        if fact.get("agent_user_id") is None:
            fact["agent_user_id"] = user_id
    first = fact.get("first_customer_at")
    if first is not None and "first_reply_at" not in fact:
        fact["first_reply_at"], fact["first_reply_by"] = at, author
        fact["first_response_seconds"] = max(0, round((at - first).total_seconds()))


def downgrade() -> None:
    op.drop_table("funnel_days")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("session_id")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_tenant_author")
    op.drop_table("deals")
    op.drop_table("conversation_sessions")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("attributed_content_id")
        batch_op.drop_column("attributed_item_id")
