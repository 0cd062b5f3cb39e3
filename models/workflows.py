"""Inputs and results of the generation and editing workflows (one input and one output model each)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from models.content import Actor, ContentEdit
from models.generation import (
    Brief,
    ComplianceReport,
    ImagePostDraft,
    ImagePostRequest,
    Platform,
    PlatformCopy,
    TitleCandidate,
    TitleRequest,
    VideoScript,
    VideoScriptRequest,
)
from models.proven import ProvenPatterns


class CopywritingRequest(Brief):
    platforms: Annotated[list[Platform], Field(min_length=1, max_length=5)]

    @field_validator("platforms")
    @classmethod
    def _unique(cls, value: list[Platform]) -> list[Platform]:
        return list(dict.fromkeys(value))


class TitleGenerationInput(BaseModel):
    actor: Actor
    request: TitleRequest


class TitleGenerationResult(BaseModel):
    content_id: str
    candidates: list[TitleCandidate]
    compliance: ComplianceReport
    proven: ProvenPatterns | None = Field(
        default=None, description="what the named account's top posts taught; null when no account is named"
    )


class CopywritingInput(BaseModel):
    actor: Actor
    request: CopywritingRequest


class CopywritingResult(BaseModel):
    content_id: str
    copies: list[PlatformCopy]
    compliance: ComplianceReport


class ImageTextInput(BaseModel):
    actor: Actor
    request: ImagePostRequest


class ImageTextResult(BaseModel):
    content_id: str
    post: ImagePostDraft
    asset_ids: list[str]
    compliance: ComplianceReport


class VideoScriptInput(BaseModel):
    actor: Actor
    request: VideoScriptRequest


class VideoScriptResult(BaseModel):
    content_id: str
    script: VideoScript
    compliance: ComplianceReport


class ContentEditInput(BaseModel):
    edit: ContentEdit


class ContentEditResult(BaseModel):
    content_id: str
    version: int
    compliance: ComplianceReport | None
