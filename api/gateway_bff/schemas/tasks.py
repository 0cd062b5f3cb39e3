"""Follow-up tasks (seed 16): what the task routes take and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from models.tasks import FollowUpTaskDetail, FollowUpTaskView, TaskOutcome


class TaskPage(BaseModel):
    items: list[FollowUpTaskView]
    limit: int
    offset: int


class TaskCompletion(RequestBody):
    """How it ended: `won` (a deal), `lost`, `no_answer` or `other`, with a note for the team."""

    outcome: TaskOutcome
    note: str = Field(default="", max_length=2000)


class TaskSnooze(RequestBody):
    """The new due time (with its zone), in the future; the reminder and escalation move with it."""

    until: BoundedAwareDateTime


class TaskReassign(RequestBody):
    owner_user_id: str = Field(min_length=1, max_length=36, description="an agent of the tenant")


__all__ = [
    "FollowUpTaskDetail",
    "FollowUpTaskView",
    "TaskCompletion",
    "TaskPage",
    "TaskReassign",
    "TaskSnooze",
]
