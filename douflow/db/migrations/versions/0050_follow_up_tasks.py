"""follow-up tasks, notifications addressed to users with a read mark each, and the tenants' group-robot
webhooks

Existing notifications get their recipients from their audience as it resolves today, keeping their read mark.

Revision ID: 0050
Revises: 0046
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import douflow.db.base

revision = "0050"
down_revision = "0046"
branch_labels = None
depends_on = None

WHEN = douflow.db.base.UTCDateTime(timezone=True)
JSON = douflow.db.base.JSONType

# The roles each audience meant when these notifications were written (douflow/notify/recipients.py).
BACKFILL = """
INSERT INTO notification_recipients (notification_id, user_id, tenant_id, read_at, created_at)
SELECT n.id, u.id, n.tenant_id, n.read_at, n.created_at
FROM notifications n JOIN users u ON u.tenant_id = n.tenant_id
WHERE NOT u.disabled AND (
    n.audience IS NULL
    OR (n.audience = 'reviewers' AND u.role IN ('admin', 'reviewer'))
    OR (n.audience = 'agents' AND u.role IN ('admin', 'operator', 'agent'))
    OR (n.audience = 'admins' AND u.role = 'admin')
)
"""


def upgrade() -> None:
    op.create_table(
        "follow_up_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("owner_user_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=300), nullable=False),
        sa.Column("waiting_for", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("reminded_for", WHEN, nullable=True),
        sa.Column("escalated_for", WHEN, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("deal_id", sa.String(length=36), nullable=True),
        sa.Column("context", JSON, nullable=False),
        sa.Column("script", sa.Text(), nullable=True),
        sa.Column("script_cited", JSON, nullable=False),
        sa.Column("script_findings", JSON, nullable=False),
        sa.Column("workflow_id", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_follow_up_tasks_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_tasks")),
        sa.UniqueConstraint("tenant_id", "source", "source_ref", name="follow_up_task_source"),
    )
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_tasks_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_follow_up_tasks_owner", ["tenant_id", "owner_user_id", "status", "due_at"], unique=False
        )
        batch_op.create_index(
            "ix_follow_up_tasks_customer", ["tenant_id", "customer_id", "status"], unique=False
        )
        batch_op.create_index("ix_follow_up_tasks_due", ["tenant_id", "status", "due_at"], unique=False)

    op.create_table(
        "notification_recipients",
        sa.Column("notification_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("read_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_recipients_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_recipients_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notification_id", "user_id", name=op.f("pk_notification_recipients")),
    )
    with op.batch_alter_table("notification_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_recipients_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_notification_recipients_user", ["tenant_id", "user_id", "read_at"], unique=False
        )

    op.create_table(
        "notification_webhooks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("kinds", JSON, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("last_posted_at", WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_webhooks")),
    )
    with op.batch_alter_table("notification_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_webhooks_tenant_id"), ["tenant_id"], unique=False)

    op.execute(sa.text(BACKFILL))


def downgrade() -> None:
    op.drop_table("notification_webhooks")
    op.drop_table("notification_recipients")
    op.drop_table("follow_up_tasks")
