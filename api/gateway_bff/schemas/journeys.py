"""Customer journeys (seed 15): what the journey routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field

from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from models.journey_steps import SimulatedEvent, Simulation
from models.journeys import CustomerFacts, JourneyGraph, NodeId
from models.request_types import JsonInteger

LAYOUT_MAX = 100
# How far from the origin a node may be put on the designer's canvas (flow coordinates).
CANVAS_EXTENT = 100_000


class NodePosition(BaseModel):
    """Where a node is on the designer's canvas."""

    model_config = ConfigDict(extra="forbid", strict=True)
    x: float = Field(ge=-CANVAS_EXTENT, le=CANVAS_EXTENT, allow_inf_nan=False)
    y: float = Field(ge=-CANVAS_EXTENT, le=CANVAS_EXTENT, allow_inf_nan=False)


# Node id -> position: presentation only, kept with the draft and never in a published version.
Layout = Annotated[dict[NodeId, NodePosition], Field(max_length=LAYOUT_MAX)]


class JourneyIn(RequestBody):
    """A journey's draft: its name, the bound account its messages go through, the graph, and where the
    designer put its nodes (nodes without a position are laid out automatically)."""

    name: str = Field(min_length=1, max_length=100)
    account_id: str | None = Field(default=None, min_length=1, max_length=36)
    graph: JourneyGraph
    layout: Layout | None = Field(
        default=None,
        description="node id -> {x, y} on the designer's canvas; each id names a node of the graph. Left out of "
        "a PUT, the saved layout is kept; null clears it",
    )


class JourneyView(BaseModel):
    id: str
    name: str
    account_id: str | None
    trigger: str
    draft: JourneyGraph
    layout: dict[str, NodePosition] = Field(
        description="where the designer put the draft's nodes, by node id"
    )
    published_version: int | None = Field(description="the version new enrolments get; none until published")
    created_by: str
    created_at: datetime
    updated_at: datetime


class JourneyPage(BaseModel):
    items: list[JourneyView]


class VersionView(BaseModel):
    journey_id: str
    version: int
    graph: JourneyGraph
    account_id: str | None
    published_by: str
    published_at: datetime


class VersionPage(BaseModel):
    items: list[VersionView]


class EnrolIn(RequestBody):
    """Customers to enrol by hand in the published version (at most 200 at once)."""

    customer_ids: list[str] = Field(min_length=1, max_length=200)


class EnrolmentResult(BaseModel):
    customer_id: str
    enrolment_id: str | None
    refusal: str | None = Field(
        description="why the customer was not enrolled (re-entry policy, unsubscribed)"
    )


class EnrolResult(BaseModel):
    items: list[EnrolmentResult]


class StepView(BaseModel):
    seq: int
    node_id: str
    kind: str
    outcome: str
    detail: dict[str, Any]
    task_needed: bool
    due_at: datetime | None
    at: datetime


class EnrolmentView(BaseModel):
    id: str
    journey_id: str
    version: int
    customer_id: str
    status: str
    trigger: str
    current_node: str | None
    entered_at: datetime
    exited_at: datetime | None
    exit_reason: str | None
    goal_reached: bool
    steps: list[StepView] | None = None


class EnrolmentPage(BaseModel):
    items: list[EnrolmentView]
    limit: int
    offset: int


class NodeStatsView(BaseModel):
    node_id: str
    entered: int = Field(description="enrolments that reached the node")
    waiting: int = Field(description="enrolments that are at the node now")
    branches: dict[str, int] = Field(description="steps by outcome: yes / no for decisions and conditions")
    exited: int = Field(description="enrolments that ended at the node")


class StatsView(BaseModel):
    journey_id: str
    version: int | None
    enrolled: int
    running: int
    goal_reached: int
    conversion: float = Field(description="goal reached / enrolled")
    nodes: list[NodeStatsView]


class SimulateIn(RequestBody):
    """A dry run of the draft (or a version): a test customer and what they do, minutes after enrolment."""

    customer: CustomerFacts = Field(default_factory=CustomerFacts)
    events: list[SimulatedEvent] = Field(default_factory=list, max_length=100)
    start_at: BoundedAwareDateTime | None = Field(
        default=None, description="when the enrolment starts; default now"
    )
    version: Annotated[int, Interval(ge=1, le=100_000), JsonInteger] | None = Field(
        default=None, description="a published version instead of the draft"
    )


class SimulationView(Simulation):
    journey_id: str
    version: int | None
