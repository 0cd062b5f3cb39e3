"""Content-center contracts: what workflows save and what the BFF reads back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.generation import ComplianceReport, GeneratedImage

ContentKind = Literal["titles", "copywriting", "image_post", "video_script"]
CONTENT_KINDS: tuple[ContentKind, ...] = ("titles", "copywriting", "image_post", "video_script")
ContentStatus = Literal[
    "draft",
    "ready",
    "archived",
    "publishing",
    "under_review",
    "published",
    "rejected",
    "failed",
    "unconfirmed",
]
EditableStatus = Literal["draft", "ready", "archived"]


class Actor(BaseModel):
    """Who a workflow acts for; carried so content-center can audit and scope every write."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    user_id: str


class NewContent(BaseModel):
    content_id: str
    actor: Actor
    kind: ContentKind
    title: str
    topic: str
    platform: str | None = None
    body: dict[str, Any]
    compliance: ComplianceReport
    workflow_id: str
    images: list[GeneratedImage] = Field(default_factory=list)
    source_content_id: str | None = None
    brand_id: str | None = None
    brand_version: int | None = None


class SavedContent(BaseModel):
    content_id: str
    version: int
    asset_ids: list[str] = Field(default_factory=list)
    created: bool = Field(description="false when the content already existed (an activity retry)")


class ContentEdit(BaseModel):
    content_id: str
    actor: Actor
    base_version: int | None = Field(default=None, description="optimistic lock: the version edited")
    title: str | None = None
    body: dict[str, Any] | None = None
    status: EditableStatus | None = None
    compliance: ComplianceReport | None = None
