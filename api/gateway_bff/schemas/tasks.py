"""Follow-up tasks (seed 16): what the task routes take and answer."""

from __future__ import annotations

from typing import Annotated, Literal

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


class TaskCreate(RequestBody):
    """A follow-up task an agent makes: for a customer, or for the customer of a lead (exactly one of them)."""

    customer_id: str | None = Field(default=None, min_length=1, max_length=36)
    lead_id: str | None = Field(default=None, min_length=1, max_length=36, description="its customer's task")
    account_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=36,
        description="the Douyin account the customer talks to (its conversation and brand in the context)",
    )
    reason: str = Field(min_length=1, max_length=1000, description="what to follow up, for the owner")
    due_at: BoundedAwareDateTime = Field(description="when it is due (with its zone), in the future")
    owner_user_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="an agent of the tenant; the caller by default"
    )
    waiting_for: list[Literal["reply", "lead"]] = Field(
        default_factory=list,
        max_length=2,
        description="what of the customer closes it by itself: a `reply`, a `lead` left",
    )

    @model_validator(mode="after")
    def _one_customer(self) -> TaskCreate:
        if (self.customer_id is None) == (self.lead_id is None):
            raise ValueError("customer_id, lead_id: name exactly one")
        return self


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
    "TaskCreate",
    "TaskPage",
    "TaskReassign",
    "TaskSnooze",
]
