"""content-center's deal material library (seed 17): libraries and their members, materials and their
versions, the search index of their text, and the tracked links customers open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow


class MaterialLibrary(TenantScoped, Timestamped, Base):
    """A shelf of materials with its own members; `bot_may_use` lets the bot (and reply suggestions) offer its materials."""

    __tablename__ = "material_libraries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    bot_may_use: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[str] = mapped_column(String(36))


class MaterialLibraryMember(TenantScoped, Base):
    """A user's permission in one library (viewer < contributor < manager), on top of the tenant role."""

    __tablename__ = "material_library_members"
    __table_args__ = (UniqueConstraint("library_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    library_id: Mapped[str] = mapped_column(ForeignKey("material_libraries.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    permission: Mapped[str] = mapped_column(String(12))
    added_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Material(TenantScoped, Timestamped, Base):
    """An image, video, document, price sheet, case study or FAQ answer; its content is its current version.
    `search_length` is the weighted token count of its indexed text (BM25's document length)."""

    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_tenant_library", "tenant_id", "library_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    library_id: Mapped[str] = mapped_column(ForeignKey("material_libraries.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    expires_at: Mapped[datetime | None] = mapped_column()
    # A video material may stand for an item already published on Douyin: it is then sent as that item.
    douyin_item_id: Mapped[str | None] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    search_length: Mapped[float] = mapped_column(Float, default=0.0)
    created_by: Mapped[str] = mapped_column(String(36))


class MaterialVersion(TenantScoped, Base):
    """One version of a material: a stored file (media store key) or a text, and the text found in it."""

    __tablename__ = "material_versions"
    __table_args__ = (UniqueConstraint("material_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    media_key: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(200))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(Text)
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MaterialTerm(TenantScoped, Base):
    """The inverted index: one row per (material, token) with the token's weighted frequency."""

    __tablename__ = "material_terms"
    __table_args__ = (Index("ix_material_terms_lookup", "tenant_id", "term"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Float)


class MaterialShareLink(TenantScoped, Base):
    """A tracked link to one material for one customer; the token is the link's only credential."""

    __tablename__ = "material_share_links"
    __table_args__ = (UniqueConstraint("tenant_id", "source_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(36))
    expires_at: Mapped[datetime] = mapped_column()
    code_hash: Mapped[str | None] = mapped_column(String(64))
    shared_by: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(String(36))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A send in a conversation makes its link once, whatever the retries (`send:{step_key}`).
    source_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MaterialShareEvent(TenantScoped, Base):
    """What happened to a link: `open`, `download`, or a wrong access code (`code_failed`, for throttling)."""

    __tablename__ = "material_share_events"
    __table_args__ = (Index("ix_material_share_events_link_kind", "link_id", "kind", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    link_id: Mapped[str] = mapped_column(ForeignKey("material_share_links.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str] = mapped_column(String(64), index=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
