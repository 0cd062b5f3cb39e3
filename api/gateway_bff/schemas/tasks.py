"""Follow-up tasks (seed 16): what the task routes take and answer."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from pydantic import BaseModel, Field, model_validator

from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from douflow.customers.deals import MAX_AMOUNT_FEN
from models.request_types import JsonInteger
from models.tasks import FollowUpTaskDetail, FollowUpTaskView, TaskOutcome


class TaskPage(BaseModel):
    items: list[FollowUpTaskView]
    limit: int
    offset: int


class TaskCompletion(RequestBody):
    """How it ended: `won` (a deal of `amount_fen`), `lost`, `no_answer` or `other`, with a note for the team."""

    outcome: TaskOutcome
    note: str = Field(default="", max_length=2000)
    amount_fen: Annotated[int, Interval(ge=1, le=MAX_AMOUNT_FEN), JsonInteger] | None = Field(
        default=None, description="what the customer paid, in fen; required for `won`, which records the deal"
    )

    @model_validator(mode="after")
    def _amount_with_won(self) -> TaskCompletion:
        if (self.outcome == "won") != (self.amount_fen is not None):
            raise ValueError("amount_fen: required for the outcome won, and only for it")
        return self


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
