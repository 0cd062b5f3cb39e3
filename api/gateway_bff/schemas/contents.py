"""Contents, their versions, assets and audit trail: what the contents routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from api.gateway_bff.schemas.field_rules import at_least_one
from api.gateway_bff.schemas.request_body import RequestBody
from models.approval import ApprovalState
from models.content import ContentKind, EditableStatus
from models.generation import ImageSpec, Platform, PlatformCopy, TitleCandidate, VideoScript
from models.request_types import JsonInteger, holds_nul


class ContentSummary(BaseModel):
    id: str
    kind: str
    status: str
    title: str
    topic: str
    platform: str | None
    version: int
    compliance_passed: bool
    created_at: Any
    updated_at: Any


class ContentPage(BaseModel):
    items: list[ContentSummary]
    total: int
    limit: int
    offset: int


class ContentPatch(RequestBody):
    model_config = ConfigDict(json_schema_extra=at_least_one("title", "body", "status"))
    free_form = frozenset({"body"})  # validate_body, against the content's kind

    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: dict[str, Any] | None = Field(
        default=None,
        description="the whole new body, shaped as the content's kind shapes it (as GET answers it, without "
        "`request`); a body that does not fit the kind answers 409",
    )
    status: EditableStatus | None = None
    base_version: Annotated[int, Interval(ge=1, le=1_000_000), JsonInteger] | None = Field(
        default=None, description="the version you edited (409 if stale)"
    )
    ai_declaration: bool | None = Field(
        default=None,
        description="false leaves the tenant's AI declaration line out of this content (you rewrote it)",
    )

    @model_validator(mode="after")
    def _something_to_change(self) -> ContentPatch:
        if self.title is None and self.body is None and self.status is None and self.ai_declaration is None:
            raise ValueError("nothing to change: send title, body, status or ai_declaration")
        return self

    def edits(self) -> bool:
        """Whether anything goes through the edit workflow (a declaration switch alone does not)."""
        return self.title is not None or self.body is not None or self.status is not None


class AuditEntry(BaseModel):
    action: str
    actor_id: str
    detail: dict[str, Any]
    created_at: Any


class AssetView(BaseModel):
    id: str
    role: str
    position: int
    url: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    source: str
    description: str
    caption: str


class VersionView(BaseModel):
    version: int
    title: str
    body: dict[str, Any]
    change: str
    created_by: str
    created_at: datetime


class ContentView(BaseModel):
    id: str
    kind: ContentKind
    status: str
    status_detail: str | None
    title: str
    topic: str
    platform: str | None
    version: int
    body: dict[str, Any]
    compliance: dict[str, Any]
    workflow_id: str | None
    source_content_id: str | None
    brand_id: str | None = Field(default=None, description="the brand profile it was generated with")
    brand_version: int | None = Field(default=None, description="that profile's version")
    created_by: str
    created_at: datetime
    updated_at: datetime
    assets: list[AssetView] = Field(default_factory=list)
    approval_state: ApprovalState = "draft"
    ai_declaration: bool = Field(default=True, description="whether this content carries the AI declaration")


# -- what an edited body must look like for each kind (validated before any workflow starts) -----------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TitlesBody(_Body):
    candidates: list[TitleCandidate] = Field(min_length=1, max_length=50)


class CopywritingBody(_Body):
    copies: list[PlatformCopy] = Field(min_length=1, max_length=5)


class ImagePostBody(_Body):
    platform: Platform
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(max_length=20000)
    hashtags: list[str] = Field(max_length=30)
    images: list[ImageSpec] = Field(max_length=30)


BODY_MODELS: dict[str, type[BaseModel]] = {
    "titles": TitlesBody,
    "copywriting": CopywritingBody,
    "image_post": ImagePostBody,
    "video_script": VideoScript,
}


def validate_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body in canonical form, or ValueError naming the fields to fix."""
    model = BODY_MODELS[kind]
    if holds_nul(body):
        raise ValueError("body text must not contain NUL (\\x00) characters")
    try:
        return model.model_validate(body).model_dump()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"body does not fit a {kind} content: {problems}") from exc
