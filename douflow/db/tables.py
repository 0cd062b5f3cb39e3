"""Tables of the platform: tenants and users, brands and contents with their versions, assets, and the
audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from douflow.db.base import Base, JSONType, TenantScoped, Timestamped, new_id, utcnow
from douflow.security.tokens import Role
from models.approval import ApprovalState
from models.content import ContentKind, ContentStatus
from models.douyin_accounts import RELEASED
from models.publish import LIVE_STATUSES, PublishStatus

LIVE_PUBLISH_WHERE = "status IN (" + ", ".join(f"'{s}'" for s in sorted(LIVE_STATUSES)) + ")"
HELD_ACCOUNT_WHERE = "status NOT IN (" + ", ".join(f"'{s}'" for s in sorted(RELEASED)) + ")"


class Tenant(Timestamped, Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # Policy: whether a content needs a reviewer's approval of its version before it is published, and
    # whether generated contents carry Douyin's AI-content declaration line in their text.
    approval_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    ai_declaration: Mapped[bool] = mapped_column(default=True, server_default=true())
    # A human reply (from DouFlow or the Douyin app) pauses the customer-service bot for that customer this long.
    human_pause_minutes: Mapped[int] = mapped_column(default=30, server_default=text("30"))
    # The retain-consult card (留资卡片, msg_type 8) the bot sends to ask for contact details, per account id.
    lead_card_ids: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default=text("'{}'"))
    # At most this many journey messages per customer per day, across all journeys (seed 15).
    journey_daily_cap: Mapped[int] = mapped_column(default=2, server_default=text("2"))


class User(TenantScoped, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "username", name="tenant_username"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    disabled: Mapped[bool] = mapped_column(default=False)


class UserSession(TenantScoped, Base):
    """One login: its access token names it, so it can end before the token expires (logout, revocation)."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class Content(TenantScoped, Timestamped, Base):
    """A piece of content (titles, copy, image post, video script); its body lives in versions."""

    __tablename__ = "contents"
    __table_args__ = (Index("ix_contents_tenant_kind_status", "tenant_id", "kind", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(String(20))
    status: Mapped[ContentStatus] = mapped_column(String(20), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(20))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    source_content_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(36))
    compliance: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status_detail: Mapped[str | None] = mapped_column(Text)
    # Approval of one version (douflow/content/approvals.py): an edit after it sends the content back.
    approval_state: Mapped[ApprovalState] = mapped_column(String(20), default="draft", server_default="draft")
    approval_version: Mapped[int | None] = mapped_column(Integer)
    approval_comment: Mapped[str | None] = mapped_column(Text)
    approval_by: Mapped[str | None] = mapped_column(String(36))
    approval_at: Mapped[datetime | None] = mapped_column()
    # Off when an operator rewrote the text: the tenant's AI declaration line is then left out.
    ai_declaration: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The brand profile version the content was generated with (none for contents without a brand).
    brand_id: Mapped[str | None] = mapped_column(ForeignKey("brands.id", ondelete="RESTRICT"))
    brand_version: Mapped[int | None] = mapped_column(Integer)

    versions: Mapped[list[ContentVersion]] = relationship(
        back_populates="content", order_by="ContentVersion.version", lazy="raise"
    )
    assets: Mapped[list[ContentAsset]] = relationship(
        back_populates="content", order_by="ContentAsset.position", lazy="raise"
    )


class ContentVersion(TenantScoped, Base):
    """An immutable snapshot of a content's body; editing appends one, history is never rewritten."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("content_id", "version", name="content_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    content_id: Mapped[str] = mapped_column(ForeignKey("contents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    change: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    content: Mapped[Content] = relationship(back_populates="versions")


class Brand(TenantScoped, Timestamped, Base):
    """A brand an operator writes for; its facts live in versions, and deleting it only archives it so
    the contents generated with it keep their reference."""

    __tablename__ = "brands"
    __table_args__ = (Index("ix_brands_tenant_archived", "tenant_id", "archived_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(40))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(36))
    archived_at: Mapped[datetime | None] = mapped_column()


class BrandVersion(TenantScoped, Base):
    """An immutable snapshot of a brand's profile; an update appends one."""

    __tablename__ = "brand_versions"
    __table_args__ = (UniqueConstraint("brand_id", "version", name="brand_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentAsset(TenantScoped, Base):
    """A media file (image, cover, video) attached to a content, stored by the media store."""

    __tablename__ = "content_assets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    content_id: Mapped[str | None] = mapped_column(ForeignKey("contents.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)  # videos up to 4 GB (migration 0003)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    content: Mapped[Content | None] = relationship(back_populates="assets")


class AuditEvent(TenantScoped, Base):
    """Who created, edited, generated or published what; append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_tenant_object", "tenant_id", "object_type", "object_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    actor_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DouyinAccount(TenantScoped, Timestamped, Base):
    """A Douyin account bound by OAuth; tokens are encrypted at rest and never leave content-center."""

    __tablename__ = "douyin_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "open_id", name="tenant_open_id"),
        # One tenant at a time holds a Douyin account (a revoked or unbound row holds nothing), so a
        # webhook of the account concerns one tenant, even when two tenants bind it at once.
        Index(
            "uq_douyin_accounts_held_open_id",
            "open_id",
            unique=True,
            sqlite_where=text(HELD_ACCOUNT_WHERE),
            postgresql_where=text(HELD_ACCOUNT_WHERE),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    open_id: Mapped[str] = mapped_column(String(100), index=True)
    union_id: Mapped[str | None] = mapped_column(String(100))
    nickname: Mapped[str] = mapped_column(String(100), default="")
    avatar: Mapped[str] = mapped_column(String(500), default="")
    account_role: Mapped[str] = mapped_column(String(20), default="")
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    refresh_token_enc: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column()
    refresh_expires_at: Mapped[datetime | None] = mapped_column()
    renewals_left: Mapped[int] = mapped_column(Integer, default=5)
    # ok | expiring | needs_reconnect | revoked | unbound
    status: Mapped[str] = mapped_column(String(20), default="ok")
    status_reason: Mapped[str | None] = mapped_column(Text)
    bound_by: Mapped[str] = mapped_column(String(36))
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
    unbound_at: Mapped[datetime | None] = mapped_column()


class OAuthState(TenantScoped, Base):
    """A pending account binding: the `state` sent to Douyin, tied to who started it and to the browser
    that opened its bind link (the SHA-256 of that browser's cookie), single-use."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class WebhookEvent(Base):
    """Douyin webhook inbox, deduplicated by Msg-Id and by the body's identity (a replay under a new
    Msg-Id carries the same signed body); the tenant is resolved from the account when known."""

    __tablename__ = "webhook_events"

    msg_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    # sha256 of the event's fields (douflow.douyin.events.identity); empty on rows older than migration 0032
    # whose body another row already had.
    body_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36), index=True)
    event: Mapped[str] = mapped_column(String(60))
    from_user_id: Mapped[str | None] = mapped_column(String(100))
    to_user_id: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    workflow_id: Mapped[str | None] = mapped_column(String(200))


class Publish(TenantScoped, Timestamped, Base):
    """One publish of a content to one account, and every state it went through."""

    __tablename__ = "publishes"
    __table_args__ = (
        Index("ix_publishes_tenant_content_account", "tenant_id", "content_id", "account_id"),
        # One live publish of a content version to an account per occurrence, beyond Temporal's retention.
        Index(
            "uq_publishes_live_key",
            "tenant_id",
            "content_id",
            "content_version",
            "account_id",
            "occurrence",
            unique=True,
            sqlite_where=text(LIVE_PUBLISH_WHERE),
            postgresql_where=text(LIVE_PUBLISH_WHERE),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    content_id: Mapped[str] = mapped_column(ForeignKey("contents.id", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(ForeignKey("douyin_accounts.id", ondelete="CASCADE"))
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    # The content version sent (None on publishes older than version pinning) and the calendar
    # occurrence it stands for ("" outside a recurring entry): with tenant, content and account the
    # publish's business key.
    content_version: Mapped[int | None] = mapped_column(Integer)
    occurrence: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # publishing | under_review | published | rejected | failed | unconfirmed
    status: Mapped[PublishStatus] = mapped_column(String(20), default="publishing")
    status_reason: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[str | None] = mapped_column(String(200))
    share_url: Mapped[str | None] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(20), default="image_text")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_by: Mapped[str] = mapped_column(String(36))
    published_at: Mapped[datetime | None] = mapped_column()


class KnowledgeEntry(TenantScoped, Timestamped, Base):
    """A question customers ask and the tenant's answer to it, found by its question and its variants
    (douflow/content/knowledge_search.py); `version` grows with every change, for optimistic edits."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (Index("ix_knowledge_entries_tenant_enabled", "tenant_id", "enabled"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(String(200))
    variants: Mapped[list[str]] = mapped_column(JSONType, default=list)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(36))
