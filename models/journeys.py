"""Customer journeys (seed 15): a versioned graph of trigger, waits, decisions, conditions, actions and exits, and
what the journey workflow, the conversation workflow and the BFF exchange about enrolments.

A graph comes from people (the designer): its nodes are typed by `kind`, unknown fields are refused, and every
edge names a node id. Structural rules that need the whole graph (reachability, loops, the account's scopes) are
`douflow.customers.journey_rules`; how a node is stepped through is `models.journey_steps`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.customers import Level
from models.request_types import JsonInteger

# Graphs come from people: typed as JSON types them (no coercion), no unknown fields.
DESIGN = ConfigDict(extra="forbid", strict=True)
NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
TimeOfDay = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Minutes = Annotated[int, Interval(ge=1, le=90 * 24 * 60), JsonInteger]

TriggerKind = Literal[
    "lead_captured",
    "score_level",
    "tag_added",
    "handed_off",
    "comment_on_item",
    "first_message",
    "manual",
    "segment",
]
# What a decision waits for and what a goal is reached by: a behaviour event's type, or a reply (any message).
JourneyEvent = Literal[
    "replied",
    "lead_left",
    "card_submitted",
    "price_question",
    "purchase_question",
    "booking_question",
    "address_question",
    "comment",
    "new_follow_action",
    "new_video_digg",
    "im_enter_direct_msg",
    "tag_added",
    "level_reached",
    "handed_off",
    "material_opened",
]
ActionKind = Literal[
    "send_message",
    "send_material",
    "add_points",
    "tag",
    "create_task",
    "notify",
    "handover",
    "enrol",
]
SEND_ACTIONS: frozenset[str] = frozenset({"send_message", "send_material"})
ExitReason = Literal["goal", "unsubscribed", "replied", "done", "unenrolled", "superseded"]
ReentryPolicy = Literal["never", "after_days", "always"]
ConditionField = Literal["score", "level", "tag", "profile", "lead_fields"]
ConditionOp = Literal["gte", "lte", "eq", "has", "present"]
LeadField = Literal["phone", "wechat", "name"]


# -- the graph ----------------------------------------------------------------------------------------------


class Segment(BaseModel):
    """Existing customers to enrol at once (the `segment` trigger): all the conditions hold."""

    model_config = DESIGN
    level: Level | None = None
    min_score: float | None = Field(default=None, ge=0, le=100_000)
    tag: str | None = Field(default=None, min_length=1, max_length=40)


class TriggerNode(BaseModel):
    model_config = DESIGN
    id: NodeId
    kind: Literal["trigger"]
    on: TriggerKind
    level: Level | None = Field(default=None, description="score_level: the level reached")
    tag: str | None = Field(default=None, min_length=1, max_length=40, description="tag_added: the tag")
    segment: Segment | None = None
    next: NodeId

    @model_validator(mode="after")
    def _named(self) -> TriggerNode:
        if self.on == "score_level" and self.level is None:
            raise ValueError("a score_level trigger names its level")
        if self.on == "tag_added" and not self.tag:
            raise ValueError("a tag_added trigger names its tag")
        if self.on == "segment" and self.segment is None:
            raise ValueError("a segment trigger names its segment")
        return self


class WaitNode(BaseModel):
    """A duration, or until a time of day in the tenant's zone (the next one after now); quiet hours may push
    the end later."""

    model_config = DESIGN
    id: NodeId
    kind: Literal["wait"]
    minutes: Minutes | None = None
    until: TimeOfDay | None = None
    next: NodeId

    @model_validator(mode="after")
    def _one(self) -> WaitNode:
        if (self.minutes is None) == (self.until is None):
            raise ValueError("a wait has either minutes or until (a time of day)")
        return self


class DecisionNode(BaseModel):
    """Waits for the customer's event up to the timeout: yes when it came, no when the time ran out."""

    model_config = DESIGN
    id: NodeId
    kind: Literal["decision"]
    event: JourneyEvent
    timeout_minutes: Minutes
    yes: NodeId
    no: NodeId


class Condition(BaseModel):
    model_config = DESIGN
    field: ConditionField
    op: ConditionOp
    value: str | Annotated[float, Field(ge=-1_000_000, le=1_000_000)] | None = None
    key: str | None = Field(default=None, max_length=40, description="profile: the field's name")
    lead_fields: list[LeadField] = Field(default_factory=list, description="lead_fields: these are known")

    @model_validator(mode="after")
    def _complete(self) -> Condition:
        if self.field == "profile" and not self.key:
            raise ValueError("a profile condition names its key")
        if self.field == "lead_fields" and not self.lead_fields:
            raise ValueError("a lead_fields condition names the fields")
        if self.field in ("score", "level", "tag") and self.value is None:
            raise ValueError(f"a {self.field} condition names its value")
        return self


class ConditionNode(BaseModel):
    model_config = DESIGN
    id: NodeId
    kind: Literal["condition"]
    check: Condition
    yes: NodeId
    no: NodeId


class ActionNode(BaseModel):
    model_config = DESIGN
    id: NodeId
    kind: Literal["action"]
    action: ActionKind
    text: str | None = Field(default=None, min_length=1, max_length=500, description="send_message")
    material_id: str | None = Field(default=None, max_length=36, description="send_material")
    points: Annotated[int, Interval(ge=-100, le=100), JsonInteger] | None = Field(
        default=None, description="add_points"
    )
    tag: str | None = Field(default=None, min_length=1, max_length=40, description="tag")
    title: str | None = Field(default=None, max_length=100, description="notify, create_task: what it says")
    due_minutes: Annotated[int, Interval(ge=0, le=30 * 24 * 60), JsonInteger] | None = Field(
        default=None, description="create_task"
    )
    journey_id: str | None = Field(default=None, max_length=36, description="enrol: the other journey")
    proactive: bool = Field(
        default=False,
        description="a send that may go as Douyin's proactive message (authorised customers, limited per day) "
        "when the 24-hour reply window has closed",
    )
    next: NodeId

    @model_validator(mode="after")
    def _complete(self) -> ActionNode:
        needed = {
            "send_message": "text",
            "send_material": "material_id",
            "add_points": "points",
            "tag": "tag",
            "enrol": "journey_id",
            "notify": "title",
            "create_task": "title",
        }.get(self.action)
        if needed and getattr(self, needed) in (None, ""):
            raise ValueError(f"a {self.action} action needs {needed}")
        return self


class ExitNode(BaseModel):
    model_config = DESIGN
    id: NodeId
    kind: Literal["exit"]
    reason: Literal["goal", "unsubscribed", "replied", "done"] = "done"


Node = Annotated[
    TriggerNode | WaitNode | DecisionNode | ConditionNode | ActionNode | ExitNode, Field(discriminator="kind")
]


class Goal(BaseModel):
    """The journey's goal: an event of the customer (a lead, a card) or a tag; reaching it ends the enrolment."""

    model_config = DESIGN
    event: JourneyEvent = "lead_left"
    tag: str | None = Field(default=None, min_length=1, max_length=40)


class QuietHours(BaseModel):
    """No send between `start` and `end` in the tenant's zone (may span midnight); a send waits for `end`."""

    model_config = DESIGN
    start: TimeOfDay = "22:00"
    end: TimeOfDay = "08:00"


class JourneyGraph(BaseModel):
    """One version of a journey: the nodes, the goal, re-entry, quiet hours and what ends it early."""

    model_config = DESIGN
    nodes: list[Node] = Field(min_length=2, max_length=100)
    goal: Goal = Field(default_factory=Goal)
    reentry: ReentryPolicy = "never"
    reentry_days: Annotated[int, Interval(ge=1, le=365), JsonInteger] | None = None
    quiet_hours: QuietHours | None = Field(default_factory=QuietHours)
    exit_on_reply: bool = Field(default=False, description="a reply from the customer ends the enrolment")

    @model_validator(mode="after")
    def _reentry(self) -> JourneyGraph:
        if self.reentry == "after_days" and self.reentry_days is None:
            raise ValueError("reentry after_days needs reentry_days")
        return self

    def node(
        self, node_id: str
    ) -> TriggerNode | WaitNode | DecisionNode | ConditionNode | ActionNode | ExitNode:
        found = next((n for n in self.nodes if n.id == node_id), None)
        if found is None:
            raise KeyError(node_id)
        return found

    def trigger(self) -> TriggerNode:
        return next(n for n in self.nodes if isinstance(n, TriggerNode))


# -- the facts a condition reads, the events a decision waits for ------------------------------------------


class CustomerFacts(BaseModel):
    """The customer as a condition reads them (also the simulation's test customer)."""

    model_config = DESIGN
    score: float = Field(default=0.0, ge=-1_000_000, le=1_000_000)
    level: Level = "cold"
    tags: list[str] = Field(default_factory=list)
    profile: dict[str, str] = Field(default_factory=dict)
    lead_fields: list[LeadField] = Field(default_factory=list)


class JourneySignal(BaseModel):
    """A customer's behaviour delivered to a running enrolment (signal `behaviour`)."""

    event: JourneyEvent
    at: datetime
    tag: str | None = None
    level: Level | None = None
    source_key: str = ""


# -- runtime contracts ------------------------------------------------------------------------------------


class JourneyInput(BaseModel):
    tenant_id: str
    journey_id: str
    version: int
    enrolment_id: str
    customer_id: str
    account_id: str | None = Field(default=None, description="the bound account sends go through")
    graph: JourneyGraph
    timezone: str = "Asia/Shanghai"


class JourneyResult(BaseModel):
    enrolment_id: str
    exit_reason: ExitReason
    goal_reached: bool
    path: list[str]


StepOutcome = Literal["entered", "passed", "yes", "no", "done", "refused", "failed", "skipped"]


class JourneyStepRecord(BaseModel):
    """One node an enrolment passed: written once under (enrolment, seq)."""

    tenant_id: str
    enrolment_id: str
    journey_id: str
    version: int
    seq: int
    node_id: str
    kind: str
    outcome: StepOutcome
    detail: dict[str, Any] = Field(default_factory=dict)
    task_needed: bool = False
    due_at: datetime | None = None
    at: datetime


class JourneySteps(BaseModel):
    """Steps an enrolment passed since its last write, written together (before it waits, and when it ends)."""

    tenant_id: str
    enrolment_id: str
    steps: list[JourneyStepRecord]


class EnrolmentFinish(BaseModel):
    tenant_id: str
    enrolment_id: str
    exit_reason: ExitReason
    goal_reached: bool
    node_id: str | None
    at: datetime
    steps: list[JourneyStepRecord] = Field(default_factory=list, description="the last steps, written first")


class FactsRequest(BaseModel):
    tenant_id: str
    customer_id: str
    at: datetime


class JourneyAction(BaseModel):
    """An action node run for an enrolment (not sends): points, a tag, a handover, a notification, another
    journey; `key` makes a retry a no-op."""

    tenant_id: str
    journey_id: str
    enrolment_id: str
    customer_id: str
    account_id: str | None
    node: ActionNode
    key: str
    at: datetime


class ActionOutcome(BaseModel):
    outcome: StepOutcome
    detail: dict[str, Any] = Field(default_factory=dict)


class JourneySendRequest(BaseModel):
    """What the journey asks the conversation path to send: the activity starts the conversation workflow if
    needed and calls its `journey_send` update with the step key as the update id."""

    tenant_id: str
    account_id: str
    customer_id: str
    journey_id: str
    enrolment_id: str
    step_key: str
    text: str


class JourneyMaterialRequest(BaseModel):
    """A journey's `send_material` action: the material goes through the customer's conversation (update
    `send_material`, update id = the step key), within the same caps as a journey message."""

    tenant_id: str
    account_id: str
    customer_id: str
    journey_id: str
    enrolment_id: str
    step_key: str
    material_id: str


class JourneySend(BaseModel):
    """The `journey_send` update of the conversation workflow."""

    tenant_id: str
    customer_id: str
    journey_id: str
    enrolment_id: str
    step_key: str
    text: str


SendRefusal = Literal["human_owns", "window_closed", "proactive_unavailable", "missing_scope", "frequency_cap",
                      "unsubscribed", "compliance", "failed", "no_account"]  # fmt: skip


class JourneySendOutcome(BaseModel):
    status: Literal["sent", "refused"]
    reason: str | None = None
    refusal: SendRefusal | None = None
    scene: str | None = None
    message_id: str | None = None


class SendAllowance(BaseModel):
    """Asked by the conversation workflow right before a journey send: may this customer get one more message
    from journeys today (and, outside the reply window, a proactive one)? Counted once per step key."""

    tenant_id: str
    account_id: str
    customer_id: str
    customer_open_id: str
    step_key: str
    proactive: bool
    at: datetime


class SendAllowed(BaseModel):
    allowed: bool
    refusal: SendRefusal | None = None
    reason: str | None = None
    repeated: bool = Field(default=False, description="this step key was answered before (the same answer)")


class SendSettled(BaseModel):
    """Gives an allowance back when the send did not happen (Douyin refused it)."""

    tenant_id: str
    step_key: str


class JourneyDispatch(BaseModel):
    """Customer behaviour that may start enrolments and is handed to the customer's running ones."""

    tenant_id: str
    customer_id: str
    account_id: str | None = None
    signals: list[JourneySignal]
    triggers: list[TriggerKind]
    at: datetime


class Unsubscribe(BaseModel):
    tenant_id: str
    customer_id: str
    source_key: str
    at: datetime
