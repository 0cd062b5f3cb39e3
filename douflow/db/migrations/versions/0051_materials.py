"""the deal material library: libraries, members, materials, versions, search terms, tracked share links

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import douflow.db.base

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC = douflow.db.base.UTCDateTime(timezone=True)


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant_id", sa.String(length=36), nullable=False)


def upgrade() -> None:
    op.create_table(
        "material_libraries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("bot_may_use", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        _tenant(),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_libraries")),
    )
    op.create_index("ix_material_libraries_tenant_id", "material_libraries", ["tenant_id"])
    op.create_table(
        "material_library_members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("permission", sa.String(length=12), nullable=False),
        sa.Column("added_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _tenant(),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["material_libraries.id"],
            name=op.f("fk_material_library_members_library_id_material_libraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_material_library_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_library_members")),
        sa.UniqueConstraint("library_id", "user_id", name=op.f("uq_material_library_members_library_id")),
    )
    op.create_index("ix_material_library_members_tenant_id", "material_library_members", ["tenant_id"])
    op.create_index("ix_material_library_members_user_id", "material_library_members", ["user_id"])
    op.create_table(
        "materials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("expires_at", UTC, nullable=True),
        sa.Column("douyin_item_id", sa.String(length=200), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("search_length", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        _tenant(),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["material_libraries.id"],
            name=op.f("fk_materials_library_id_material_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
    )
    op.create_index("ix_materials_tenant_id", "materials", ["tenant_id"])
    op.create_index("ix_materials_tenant_library", "materials", ["tenant_id", "library_id"])
    op.create_table(
        "material_versions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("media_key", sa.String(length=200), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("extracted_text", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _tenant(),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_versions_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_versions")),
        sa.UniqueConstraint("material_id", "number", name=op.f("uq_material_versions_material_id")),
    )
    op.create_index("ix_material_versions_tenant_id", "material_versions", ["tenant_id"])
    op.create_index("ix_material_versions_material_id", "material_versions", ["material_id"])
    op.create_table(
        "material_terms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        _tenant(),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_terms_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_terms")),
    )
    op.create_index("ix_material_terms_tenant_id", "material_terms", ["tenant_id"])
    op.create_index("ix_material_terms_material_id", "material_terms", ["material_id"])
    op.create_index("ix_material_terms_lookup", "material_terms", ["tenant_id", "term"])
    op.create_table(
        "material_share_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=True),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("shared_by", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("revoked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _tenant(),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_share_links_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_material_share_links_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_share_links")),
        sa.UniqueConstraint("token", name=op.f("uq_material_share_links_token")),
        sa.UniqueConstraint("tenant_id", "source_key", name=op.f("uq_material_share_links_tenant_id")),
    )
    op.create_index("ix_material_share_links_tenant_id", "material_share_links", ["tenant_id"])
    op.create_index("ix_material_share_links_material_id", "material_share_links", ["material_id"])
    op.create_index("ix_material_share_links_customer_id", "material_share_links", ["customer_id"])
    op.create_table(
        "material_share_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("at", UTC, nullable=False),
        _tenant(),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["material_share_links.id"],
            name=op.f("fk_material_share_events_link_id_material_share_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_share_events")),
    )
    op.create_index("ix_material_share_events_tenant_id", "material_share_events", ["tenant_id"])
    op.create_index("ix_material_share_events_ip", "material_share_events", ["ip"])
    op.create_index("ix_material_share_events_link_kind", "material_share_events", ["link_id", "kind", "at"])


def downgrade() -> None:
    for table in (
        "material_share_events",
        "material_share_links",
        "material_terms",
        "material_versions",
        "materials",
        "material_library_members",
        "material_libraries",
    ):
        op.drop_table(table)
