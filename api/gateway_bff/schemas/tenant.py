"""The caller's tenant and its policies: what the tenant routes take and answer."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from api.gateway_bff.schemas.field_rules import at_least_one
from api.gateway_bff.schemas.request_body import RequestBody
from models.request_types import JsonInteger


class TenantView(BaseModel):
    id: str
    slug: str
    name: str
    timezone: str
    approval_required: bool = Field(description="contents are published only once a reviewer approved them")
    ai_declaration: bool = Field(description="generated contents end their text with Douyin's AI declaration")
    human_pause_minutes: int = Field(
        description="a person's reply pauses the customer-service bot for that customer this long"
    )
    lead_card_ids: dict[str, str] = Field(
        description="per Douyin account id, the retain-consult card (留资卡片) the bot sends to ask for contact "
        "details; an account without one gets a text ask"
    )
    journey_daily_cap: int = Field(
        description="journey messages one customer gets per day at most, all journeys together (seed 15)"
    )


POLICIES = (
    "approval_required",
    "ai_declaration",
    "human_pause_minutes",
    "lead_card_ids",
    "journey_daily_cap",
)
AccountId = Annotated[str, StringConstraints(min_length=1, max_length=36)]
CardId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TenantPatch(RequestBody):
    model_config = ConfigDict(json_schema_extra=at_least_one(*POLICIES))

    approval_required: bool | None = None
    ai_declaration: bool | None = None
    human_pause_minutes: Annotated[int, Interval(ge=1, le=7 * 24 * 60), JsonInteger] | None = None
    lead_card_ids: dict[AccountId, CardId] | None = Field(
        default=None, max_length=100, description="replaces the whole map; {} removes every card"
    )
    journey_daily_cap: Annotated[int, Interval(ge=0, le=20), JsonInteger] | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> TenantPatch:
        if all(getattr(self, name) is None for name in POLICIES):
            raise ValueError("nothing to change: send " + ", ".join(POLICIES[:-1]) + " or " + POLICIES[-1])
        return self
