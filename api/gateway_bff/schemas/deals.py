"""Deals (seed 18): what the deal routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import Interval
from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from douflow.customers.deals import MAX_AMOUNT_FEN
from models.request_types import JsonInteger

NOTE_MAX = 1000


class DealCreate(RequestBody):
    amount_fen: Annotated[int, Interval(ge=1, le=MAX_AMOUNT_FEN), JsonInteger] = Field(
        description="what the customer paid, in fen (1 yuan = 100 fen)"
    )
    note: str = Field(default="", max_length=NOTE_MAX)
    closed_at: BoundedAwareDateTime | None = Field(default=None, description="when it closed; default now")
    task_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=36,
        description="the follow-up task it closes; recording the same task again answers the same deal",
    )


class DealView(BaseModel):
    id: str
    customer_id: str
    lead_id: str | None
    task_id: str | None
    agent_user_id: str | None = Field(description="the person who recorded it")
    amount_fen: int
    note: str
    closed_at: datetime
    conversation_session_id: str | None = Field(
        description="the conversation opening the deal is credited to (the lead's)"
    )
    created_at: datetime


class DealPage(BaseModel):
    items: list[DealView]
    limit: int
    offset: int
