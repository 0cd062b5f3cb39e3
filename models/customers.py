"""Customers' behaviour, intent scores and leads (seed 12, 13): what the workflows, the BFF and the services
exchange.

Every behaviour is an append-only event under a source key (a redelivered webhook or a retried activity records
once); scores are computed from the events with the tenant's rules, so a rule change re-scores deterministically.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.request_types import JsonInteger

EventType = Literal[
    "message_received",
    "price_question",
    "purchase_question",
    "booking_question",
    "address_question",
    "lead_left",
    "lead_refused",
    "comment",
    "new_video_digg",
    "new_follow_action",
    "im_enter_direct_msg",
    "card_submitted",
    "material_opened",
    "material_downloaded",
    "journey_points",
]
# What agent-center reads in a customer's message; each question kind is an event of the same name.
Intent = Literal["price_question", "purchase_question", "booking_question", "address_question", "refusal"]
Level = Literal["cold", "warm", "hot"]
LEVELS: tuple[Level, ...] = ("cold", "warm", "hot")
HIGH_INTENT_QUESTIONS: frozenset[Intent] = frozenset(
    {"price_question", "booking_question", "address_question"}
)
HOT: tuple[Level, ...] = ("hot",)
DEFAULT_GROUP = "default"
GROUP_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
# A score group's name (for example one per product line): lower-case letters, digits, _ and -.
GroupName = Annotated[str, StringConstraints(pattern=GROUP_PATTERN)]


# -- the tenant's rules ---------------------------------------------------------------------------------

# Rules come from people (the BFF takes them as they are typed: no coercion, no unknown fields).
RULES_CONFIG = ConfigDict(extra="forbid", strict=True)


class ScoreRule(BaseModel):
    """Points for one event type, counted in the score groups it names."""

    model_config = RULES_CONFIG

    event_type: EventType
    points: Annotated[int, Interval(ge=-100, le=100), JsonInteger]
    repeatable: bool = Field(default=True, description="false: only the customer's first such event counts")
    daily_cap: Annotated[int, Interval(ge=1, le=10_000), JsonInteger] | None = Field(
        default=None, description="at most this many points from this rule per UTC day"
    )
    half_life_days: float | None = Field(
        default=None,
        gt=0,
        le=3650,
        description="an event's points halve every this many days; none: no decay",
    )
    groups: list[GroupName] = Field(default_factory=lambda: [DEFAULT_GROUP], min_length=1, max_length=10)


class ThresholdAction(BaseModel):
    model_config = RULES_CONFIG
    kind: Literal["notify", "tag"] = Field(
        description="notify: the tenant's agents; tag: the customer gets `tag`"
    )
    tag: str | None = Field(default=None, min_length=1, max_length=40)

    @model_validator(mode="after")
    def _tag_named(self) -> ThresholdAction:
        if self.kind == "tag" and not self.tag:
            raise ValueError("a tag action names its tag")
        return self


class ScoreThreshold(BaseModel):
    """Crossing `score` upwards in `group` fires the actions, once per crossing."""

    model_config = RULES_CONFIG

    group: str = Field(default=DEFAULT_GROUP, pattern=GROUP_PATTERN)
    score: float = Field(gt=0, le=100_000)
    actions: list[ThresholdAction] = Field(min_length=1, max_length=5)

    @property
    def key(self) -> str:
        return f"{self.group}>={self.score:g}"


class LevelThresholds(BaseModel):
    """A customer's level is that of their highest group score: cold below `warm`, hot from `hot`."""

    model_config = RULES_CONFIG

    warm: float = Field(default=20, gt=0, le=100_000)
    hot: float = Field(default=50, gt=0, le=100_000)

    @model_validator(mode="after")
    def _ordered(self) -> LevelThresholds:
        if self.hot <= self.warm:
            raise ValueError("hot must be above warm")
        return self


class ScoringRules(BaseModel):
    """A tenant's scoring: at most one rule per event type; an event type without a rule scores nothing."""

    model_config = RULES_CONFIG

    rules: list[ScoreRule] = Field(max_length=20)
    thresholds: list[ScoreThreshold] = Field(default_factory=list, max_length=20)
    levels: LevelThresholds = Field(default_factory=LevelThresholds)
    notify_on_level: list[Level] = Field(
        default_factory=lambda: list(HOT), description="agents are told when a customer reaches these levels"
    )

    @model_validator(mode="after")
    def _one_rule_per_type(self) -> ScoringRules:
        types = [rule.event_type for rule in self.rules]
        if len(types) != len(set(types)):
            raise ValueError("at most one rule per event type")
        return self

    def rule_for(self, event_type: str) -> ScoreRule | None:
        return next((rule for rule in self.rules if rule.event_type == event_type), None)


# -- scores and their explanation -------------------------------------------------------------------------


class Contribution(BaseModel):
    """What one event gave one group: the rule's points (after a cap) and what is left of them after decay."""

    event_id: str
    event_type: str
    occurred_at: datetime
    group: str
    points: float = Field(description="the rule's points, after the daily cap")
    decayed: float = Field(description="what counts now, after the decay half-life")
    note: str | None = Field(default=None, description="why less than the rule's points")


class ScoreCard(BaseModel):
    scores: dict[str, float]
    level: Level
    contributions: list[Contribution]
    skipped: list[Contribution] = Field(
        default_factory=list, description="events a rule names that gave nothing (once, or the daily cap)"
    )
    at: datetime


# -- the workflows' writes --------------------------------------------------------------------------------


class CardField(BaseModel):
    """One field of a submitted retain-consult card (`card_data` [{label, value}])."""

    label: str = ""
    value: str = ""


class BehaviourEvent(BaseModel):
    type: EventType
    source_key: str = Field(max_length=300, description="unique per tenant: a redelivery records nothing new")
    detail: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime


class CustomerSaid(BaseModel):
    """A customer's message, read for contact details (a phone number, a WeChat id, a card's fields)."""

    msg_id: str
    text: str = ""
    card_data: list[CardField] = Field(default_factory=list)
    at: datetime


class BehaviourBatch(BaseModel):
    """Events of one customer of one tenant; `said` is read for leads (each lead is a `lead_left` event)."""

    tenant_id: str
    customer_open_id: str
    account_id: str | None = None
    conversation_id: str | None = None
    events: list[BehaviourEvent] = Field(default_factory=list)
    said: list[CustomerSaid] = Field(default_factory=list)
    at: datetime = Field(description="the scoring's now (the workflow's time)")


class FanAction(BaseModel):
    """`new_video_digg` / `new_follow_action` for one tenant: one of the two users is the tenant's account, the
    other the fan (documented as `from_user_id`; both are tried, so a swapped sample is read too)."""

    tenant_id: str
    event: Literal["new_video_digg", "new_follow_action"]
    msg_id: str
    user_ids: list[str]
    item_id: str | None = None
    at: datetime


class FanActionRecorded(BaseModel):
    recorded: bool
    customer_id: str | None = None


class CustomerSnapshot(BaseModel):
    """What the conversation needs to decide on asking for contact details."""

    customer_id: str
    level: Level
    score: float
    has_phone: bool = False
    has_wechat: bool = False
    asks: int = Field(default=0, description="contact asks sent in this conversation")
    last_ask_at: datetime | None = None
    refused_at: datetime | None = Field(
        default=None, description="the customer's last refusal in this conversation"
    )
    card_id: str | None = Field(default=None, description="the account's retain-consult card, if configured")
    new_lead: bool = Field(default=False, description="this batch left contact details not stored before")

    @property
    def has_contact(self) -> bool:
        return self.has_phone or self.has_wechat


# -- agent-center ----------------------------------------------------------------------------------------


class IntentJob(BaseModel):
    messages: list[str]


class DetectedIntents(BaseModel):
    """One list per message, in the order given."""

    intents: list[list[Intent]]


class LeadAskJob(BaseModel):
    brand: str | None = None
    kind: Literal["ask", "thanks", "refused"] = Field(
        default="ask", description="ask for contact details; thank for them; accept a refusal"
    )


class LeadAskText(BaseModel):
    text: str
