"""Seed features 1-4: what the generation routes answer (the requests are the workflows’ own models)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from models.generation import (
    ComplianceReport,
    ImagePostDraft,
    PlatformCopy,
    TitleCandidate,
    VideoScript,
)
from models.proven import ProvenPatterns


class TitlesResponse(BaseModel):
    content_id: str
    workflow_id: str
    candidates: list[TitleCandidate]
    compliance: ComplianceReport
    proven: ProvenPatterns | None = None


class CopywritingResponse(BaseModel):
    content_id: str
    workflow_id: str
    copies: list[PlatformCopy]
    compliance: ComplianceReport


class ImagePostResponse(BaseModel):
    content_id: str
    workflow_id: str
    post: ImagePostDraft
    images: list[dict[str, Any]]
    compliance: ComplianceReport


class VideoScriptResponse(BaseModel):
    content_id: str
    workflow_id: str
    script: VideoScript
    compliance: ComplianceReport
