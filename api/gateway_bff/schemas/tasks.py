"""Follow-up tasks (seed 16): what the task routes take and answer."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.tasks import FollowUpTaskDetail, FollowUpTaskView, TaskOutcome


class TaskPage(BaseModel):
    items: list[FollowUpTaskView]
    limit: int
    offset: int


class TaskCompletion(BaseModel):
    """How it ended: `won` (a deal), `lost`, `no_answer` or `other`, with a note for the team."""

    model_config = ConfigDict(extra="forbid")

    outcome: TaskOutcome
    note: str = Field(default="", max_length=2000)


class TaskSnooze(BaseModel):
    """The new due time (with its zone), in the future; the reminder and escalation move with it."""

    model_config = ConfigDict(extra="forbid")

    until: AwareDatetime


class TaskReassign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_user_id: str = Field(min_length=1, max_length=36, description="an agent of the tenant")


__all__ = [
    "FollowUpTaskDetail",
    "FollowUpTaskView",
    "TaskCompletion",
    "TaskPage",
    "TaskReassign",
    "TaskSnooze",
]
