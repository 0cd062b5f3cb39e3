"""approval before publish and the AI-content declaration: tenant policy, a content's approval of one
version and its declaration switch, and notifications meant for reviewers only

Existing tenants need no approval (their flows keep working) and declare AI content; existing contents are
drafts as far as approval goes.

Revision ID: 0041
Revises: 0032
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import douflow.db.base

revision = "0041"
down_revision = "0032"
branch_labels = None
# The notifications table comes from the metrics branch.
depends_on = ("0010",)


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("ai_declaration", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("contents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_state", sa.String(length=20), server_default="draft", nullable=False)
        )
        batch_op.add_column(sa.Column("approval_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approval_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("approval_by", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("approval_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("ai_declaration", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("audience")
    with op.batch_alter_table("contents", schema=None) as batch_op:
        for column in (
            "ai_declaration",
            "approval_at",
            "approval_by",
            "approval_comment",
            "approval_version",
            "approval_state",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("ai_declaration")
        batch_op.drop_column("approval_required")
