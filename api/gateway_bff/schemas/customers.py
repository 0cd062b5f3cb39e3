"""Customers, their intent scores and leads, and the tenant's scoring rules (seed 12, 13): what those routes take
and answer. Phone numbers and WeChat ids are whole only for roles that work leads; others see them masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody
from models.customers import Contribution, Level, ScoringRules


class ScoringRulesIn(RequestBody, ScoringRules):
    """The tenant's whole rule set; it replaces the one before, and every score is computed anew from it."""


class ScoringRulesView(ScoringRules):
    version: int = Field(description="0: the defaults (the tenant has set none)")
    custom: bool = Field(description="false: the defaults every new tenant starts with")


class LeadView(BaseModel):
    id: str
    customer_id: str
    conversation_id: str | None = Field(description="the conversation the customer gave it in")
    phone: str | None = Field(description="11 digits; masked (138****1234) for roles that do not work leads")
    wechat: str | None = Field(description="masked (ab****yz) for roles that do not work leads")
    name: str | None
    source: str = Field(description="message: written in a message; card: a submitted retain-consult card")
    consent: bool = Field(description="the customer gave it themselves in this conversation")
    masked: bool
    created_at: datetime


class LeadPage(BaseModel):
    items: list[LeadView]
    limit: int
    offset: int


class CustomerSummary(BaseModel):
    id: str
    open_id: str
    nickname: str | None
    level: Level = Field(description="cold, warm or hot by the highest group score, now")
    score: float = Field(description="the highest group score, now (after decay)")
    scores: dict[str, float] = Field(description="score per group, now")
    tags: list[str]
    last_seen_at: datetime


class CustomerPage(BaseModel):
    items: list[CustomerSummary]
    total: int
    limit: int
    offset: int


class EventView(BaseModel):
    id: str
    type: str
    occurred_at: datetime
    detail: dict[str, Any]


class CrossingView(BaseModel):
    key: str = Field(description="`group>=score` of a threshold, or `level`")
    above: bool
    value: str
    actions: list[str]
    at: datetime


class CustomerDetail(CustomerSummary):
    explanation: list[Contribution] = Field(description="which events gave how many points, after decay")
    not_counted: list[Contribution] = Field(description="events a rule names that gave nothing (once, cap)")
    rules_version: int
    events: list[EventView] = Field(description="the latest behaviour events, newest first")
    crossings: list[CrossingView] = Field(description="thresholds crossed and level changes, newest first")
    leads: list[LeadView]


class CustomerEnrolmentView(BaseModel):
    """One of the customer's journey enrolments, with the journey's name (the customer card)."""

    id: str
    journey_id: str
    journey_name: str
    version: int = Field(description="the journey version the enrolment runs")
    status: str = Field(description="running or exited")
    current_node: str | None = Field(description="the node the customer is at, or ended at")
    entered_at: datetime
    exited_at: datetime | None
    exit_reason: str | None
    goal_reached: bool


class CustomerEnrolmentPage(BaseModel):
    items: list[CustomerEnrolmentView] = Field(description="newest first")
    limit: int
