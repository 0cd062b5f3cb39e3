"""brand profiles with immutable versions, and the brand version each generated content was written with

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("archived_at", douflow.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
    )
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brands_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_brands_tenant_archived", ["tenant_id", "archived_at"], unique=False)
    op.create_table(
        "brand_versions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("brand_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("profile", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", douflow.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brands.id"], name=op.f("fk_brand_versions_brand_id_brands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_versions")),
        sa.UniqueConstraint("brand_id", "version", name="brand_version"),
    )
    with op.batch_alter_table("brand_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brand_versions_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("contents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("brand_version", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contents_brand_id_brands"), "brands", ["brand_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("contents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contents_brand_id_brands"), type_="foreignkey")
        batch_op.drop_column("brand_version")
        batch_op.drop_column("brand_id")
    op.drop_table("brand_versions")
    op.drop_table("brands")
