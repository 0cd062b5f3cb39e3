"""Approval before publish: what the approval routes take and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from api.gateway_bff.schemas.request_body import RequestBody
from models.approval import ApprovalState, Verdict


class ApprovalView(BaseModel):
    content_id: str
    state: ApprovalState
    version: int | None = Field(description="the version submitted, approved or sent back")
    current_version: int
    approved: bool = Field(description="approved, and for the current version")
    required: bool = Field(description="the tenant publishes only approved contents")
    comment: str | None
    decided_by: str | None
    updated_at: datetime | None = Field(description="when it was submitted or decided")
    workflow_id: str | None = Field(description="the review's run in Temporal")


class ReviewRequest(RequestBody):
    verdict: Verdict
    comment: str = Field(default="", max_length=2000)
    version: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="the version you reviewed (409 if it is no longer current)",
    )

    @model_validator(mode="after")
    def _changes_need_a_comment(self) -> ReviewRequest:
        if self.verdict == "request_changes" and not self.comment.strip():
            raise ValueError("say what to change: a request for changes needs a `comment`")
        return self
