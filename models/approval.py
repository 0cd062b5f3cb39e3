"""Approval before publish: what the approval workflow takes, is told and answers, and what it writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, Field

from models.content import Actor

ApprovalState = Literal["draft", "in_review", "approved", "changes_requested"]
Verdict = Literal["approve", "request_changes"]
# How a review ended: decided, or the content was edited (or its review withdrawn) before a decision.
ApprovalEnd = Literal["approved", "changes_requested", "superseded"]


class ApprovalInput(BaseModel):
    """One review of one version of a content, asked for by `submitted_by`."""

    tenant_id: str
    content_id: str
    version: int = Field(ge=1)
    submitted_by: str
    remind_after: timedelta = Field(description="reviewers are reminded this long after the last notice")


class ApprovalResult(BaseModel):
    content_id: str
    version: int
    end: ApprovalEnd
    by: str | None = None
    comment: str | None = None
    reminders: int = 0


class ReviewDecision(BaseModel):
    """A reviewer's decision, sent to the run as an update."""

    reviewer_id: str
    verdict: Verdict
    comment: str = Field(default="", max_length=2000)


class DecisionToRecord(BaseModel):
    actor: Actor
    content_id: str
    version: int
    verdict: Verdict
    comment: str = ""


class RecordedDecision(BaseModel):
    """What content-center made of a decision; `applied` is false when the version is no longer in review."""

    applied: bool
    state: ApprovalState
    reason: str | None = None


class ReviewNotice(BaseModel):
    tenant_id: str
    content_id: str
    version: int
    # 0: the content was just submitted; n: the n-th reminder.
    reminder: int = 0


class ReviewPending(BaseModel):
    """Whether the version still waits for a reviewer (false once edited, decided or withdrawn)."""

    pending: bool
