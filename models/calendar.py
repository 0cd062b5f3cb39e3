"""Content calendar contracts (seed 6): the scheduled workflow's input and result, and its activities'."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.content import Actor

RunTrigger = Literal["schedule", "manual"]
RunStatus = Literal["running", "published", "under_review", "rejected", "failed", "unconfirmed", "skipped"]
# Why a run did not publish, as the entry shows it: the account needs the operator, anything else is the run's.
SkipCause = Literal["account", "entry", "content", "approval", "duplicate"]


class CalendarRunInput(BaseModel):
    """What a schedule's action carries; static, so the run re-reads its entry when it starts.

    `scheduled_for` is set only by "run now"; a scheduled start takes it from the schedule.
    """

    entry_id: str
    actor: Actor
    content_id: str
    account_id: str
    one_off: bool
    trigger: RunTrigger = "schedule"
    scheduled_for: datetime | None = None
    review_poll_seconds: float = Field(default=5.0, ge=1, le=300)
    review_max_polls: int = Field(default=120, ge=1, le=10_000)


class RunStart(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant_id: str
    entry_id: str
    workflow_id: str
    trigger: RunTrigger
    scheduled_for: datetime
    started_at: datetime


class RunPlan(BaseModel):
    """Go (with the entry's current content and account) or why not."""

    go: bool
    content_id: str | None = None
    account_id: str | None = None
    content_version: int | None = Field(default=None, description="the version the publish will send")
    title: str | None = Field(default=None, description="the content's title, for the publish's summary")
    reason: str | None = None
    cause: SkipCause | None = None


class RunOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant_id: str
    entry_id: str
    workflow_id: str
    status: RunStatus
    finished_at: datetime | None = None
    reason: str | None = None
    cause: SkipCause | None = None
    publish_id: str | None = None
    publish_workflow_id: str | None = None
    item_id: str | None = None
    share_url: str | None = None


class CalendarRunResult(BaseModel):
    entry_id: str
    scheduled_for: datetime
    status: RunStatus
    reason: str | None = None
    publish_id: str | None = None
    item_id: str | None = None
