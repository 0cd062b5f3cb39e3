"""customers' behaviour events, the tenants' scoring rules, score crossings and leads (seed 12, 13); a
customer's tags and level; a tenant's retain-consult card per account

Revision ID: 0046
Revises: 0047
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0046"
down_revision = "0047"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = douflow.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_card_ids", JSON, server_default=sa.text("'{}'"), nullable=False))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", JSON, server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column("level", sa.String(length=8), server_default="cold", nullable=False))
    op.create_table(
        "customer_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_events")),
        sa.UniqueConstraint("tenant_id", "source_key", name="customer_event_source"),
    )
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_events_customer", ["tenant_id", "customer_id", "occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customer_events_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "scoring_rules",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_scoring_rules")),
    )
    op.create_table(
        "score_crossings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("above", sa.Boolean(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_score_crossings_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_crossings")),
        sa.UniqueConstraint("tenant_id", "customer_id", "key", "seq", name="score_crossing_seq"),
    )
    with op.batch_alter_table("score_crossings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_crossings_customer", ["tenant_id", "customer_id", "key", "seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_score_crossings_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "leads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("wechat", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_leads_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_leads_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("tenant_id", "source_key", name="lead_source"),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_customer", ["tenant_id", "customer_id"], unique=False)
        batch_op.create_index("ix_leads_tenant_created", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_table("leads")
    op.drop_table("score_crossings")
    op.drop_table("scoring_rules")
    op.drop_table("customer_events")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("level")
        batch_op.drop_column("tags")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("lead_card_ids")
