"""The review dashboard's customer side (seed 18): content → views → private messages and comments → leads →
deals for a period, by account, item, agent (and journey, once enrolments exist), with how conversations were
resolved, how fast they were first answered, and how leads of each source converted."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

UNATTRIBUTED = "unattributed"
BOT_ONLY = "bot"


class FunnelCounts(BaseModel):
    contents: int = Field(default=0, description="items published on Douyin in the period")
    views: int = Field(default=0, description="plays the items gained in the period")
    comments: int = Field(default=0, description="customers' comments on the items in the period")
    private_messages: int = Field(
        default=0, description="conversations opened (or reopened after closing) in the period"
    )
    leads: int = Field(default=0, description="leads left in the period")
    deals: int = Field(default=0, description="deals closed in the period")
    deal_amount_fen: int = Field(default=0, description="their amount, in fen")

    def plus(self, other: FunnelCounts) -> FunnelCounts:
        return FunnelCounts(**{k: getattr(self, k) + getattr(other, k) for k in FunnelCounts.model_fields})


class FunnelRow(BaseModel):
    key: str = Field(description="the account, item, agent or journey id; `unattributed` / `bot` as named")
    label: str = ""
    content_id: str | None = Field(default=None, description="our content behind the item, by item")
    counts: FunnelCounts


class Resolution(BaseModel):
    """Conversation openings that closed in the period: by the bot alone, or with a person's message."""

    closed: int = 0
    bot: int = Field(default=0, description="closed without any message from a person")
    human: int = Field(
        default=0, description="a person sent at least one message (DouFlow or the Douyin app)"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bot_rate(self) -> float | None:
        return round(self.bot / self.closed, 4) if self.closed else None


class FirstResponse(BaseModel):
    """Openings whose customer wrote first in the period: time from that message to the first message sent
    back (by the bot or a person). One counts within the SLA when that reply came within `sla_seconds`; one
    never answered is a miss, unless its customer wrote less than `sla_seconds` ago (still pending). Times are
    counted in buckets (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600 s, ...): percentiles are a bucket's
    upper bound, and an SLA between two bounds counts the replies up to the bound below it."""

    sla_seconds: int
    conversations: int = Field(default=0, description="counted: answered plus missed")
    answered: int = 0
    within_sla: int = 0
    pending: int = Field(default=0, description="unanswered, written less than the SLA ago: not counted")
    p50_seconds: float | None = None
    p90_seconds: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sla_hit_rate(self) -> float | None:
        return round(self.within_sla / self.conversations, 4) if self.conversations else None


class LeadConversion(BaseModel):
    """Leads of one source (`message`, `card`; `without_lead` for deals recorded on no lead): those left in
    the period and how many of them have a deal (at any time), and the deals closed in the period on leads
    of the source."""

    source: str
    leads: int = 0
    converted: int = Field(default=0, description="leads of the period with at least one deal")
    deals: int = Field(default=0, description="deals closed in the period on leads of this source")
    deal_amount_fen: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def conversion_rate(self) -> float | None:
        return round(self.converted / self.leads, 4) if self.leads else None


class CustomerReview(BaseModel):
    attribution_days: int = Field(
        description="a conversation is credited to the customer's last engagement with one of the account's "
        "items (a comment, a like) within this many days before it opened"
    )
    funnel: FunnelCounts
    unattributed: FunnelCounts = Field(
        description="private messages, leads and deals credited to no item (no engagement in the window)"
    )
    by_account: list[FunnelRow]
    by_content: list[FunnelRow] = Field(
        description="items with the most deals, leads, private messages and comments (at most 20)"
    )
    by_agent: list[FunnelRow] = Field(
        description="by the first person who answered (`bot`: nobody did); deals by who recorded them"
    )
    by_journey: list[FunnelRow] = Field(
        default_factory=list,
        description="by customer journey: the openings, leads and deals of its enrolled customers after they "
        "entered it (contents, views and comments are not a journey's)",
    )
    resolution: Resolution
    first_response: FirstResponse
    lead_conversion: list[LeadConversion]
