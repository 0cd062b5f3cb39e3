"""customer journeys (seed 15): journeys, their published versions, enrolments, steps, and the per-customer
journey send counts; a customer's unsubscribe time; a tenant's daily journey message cap

Revision ID: 0052
Revises: 0053
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0052"
down_revision = "0053"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = douflow.db.base.UTCDateTime(timezone=True)


def _tenant_index(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_tenant_id"), ["tenant_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("journey_daily_cap", sa.Integer(), server_default=sa.text("2"), nullable=False)
        )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unsubscribed_at", WHEN, nullable=True))
    op.create_table(
        "journeys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("draft", JSON, nullable=False),
        sa.Column("trigger", sa.String(length=24), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
    )
    _tenant_index("journeys")
    op.create_table(
        "journey_versions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("journey_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("graph", JSON, nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("published_by", sa.String(length=36), nullable=False),
        sa.Column("published_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_versions_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_versions")),
        sa.UniqueConstraint("tenant_id", "journey_id", "version", name="journey_version"),
    )
    _tenant_index("journey_versions")
    op.create_table(
        "journey_enrolments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("journey_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("trigger", sa.String(length=24), nullable=False),
        sa.Column("current_node", sa.String(length=40), nullable=True),
        sa.Column("entered_at", WHEN, nullable=False),
        sa.Column("exited_at", WHEN, nullable=True),
        sa.Column("exit_reason", sa.String(length=16), nullable=True),
        sa.Column("goal_reached", sa.Boolean(), nullable=False),
        sa.Column("workflow_id", sa.String(length=300), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_enrolments_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_journey_enrolments_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_enrolments")),
    )
    with op.batch_alter_table("journey_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_enrolments_customer",
            ["tenant_id", "journey_id", "customer_id", "entered_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_journey_enrolments_running", ["tenant_id", "customer_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_journey_enrolments_one_running",
            ["tenant_id", "journey_id", "customer_id"],
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )
    _tenant_index("journey_enrolments")
    op.create_table(
        "journey_steps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("journey_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("task_needed", sa.Boolean(), nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["journey_enrolments.id"],
            name=op.f("fk_journey_steps_enrolment_id_journey_enrolments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
        sa.UniqueConstraint("tenant_id", "enrolment_id", "seq", name="journey_step_seq"),
    )
    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_steps_journey", ["tenant_id", "journey_id", "node_id"], unique=False
        )
    _tenant_index("journey_steps")
    op.create_table(
        "journey_send_counts",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("proactive", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id", "day", name=op.f("pk_journey_send_counts")),
    )
    op.create_table(
        "journey_send_grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("step_key", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("proactive", sa.Boolean(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("refusal", sa.String(length=24), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_send_grants")),
        sa.UniqueConstraint("tenant_id", "step_key", name="journey_send_grant_key"),
    )
    _tenant_index("journey_send_grants")


def downgrade() -> None:
    op.drop_table("journey_send_grants")
    op.drop_table("journey_send_counts")
    op.drop_table("journey_steps")
    op.drop_table("journey_enrolments")
    op.drop_table("journey_versions")
    op.drop_table("journeys")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("unsubscribed_at")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("journey_daily_cap")
