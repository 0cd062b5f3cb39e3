"""How a journey's node is stepped through, as pure functions: the journey workflow and the dry run
(`POST /api/v1/journeys/{id}/simulate`) share them, so a simulation takes the path a real enrolment would.

`plan` looks at one node with the customer's facts and the time now and answers what to do: move on, sleep
until a time, wait for an event until a deadline, run an action, or finish. The workflow carries a plan out with
durable timers, signals and activities; `simulate` carries it out in virtual time over a list of events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from models.customers import LEVELS
from models.journeys import (
    SEND_ACTIONS,
    ActionNode,
    Condition,
    ConditionNode,
    CustomerFacts,
    DecisionNode,
    ExitNode,
    ExitReason,
    JourneyEvent,
    JourneyGraph,
    JourneySignal,
    QuietHours,
    TriggerNode,
    WaitNode,
)

# However a graph slipped through validation, one enrolment never steps more than this.
MAX_STEPS = 500


@dataclass(frozen=True)
class Move:
    node_id: str
    next: str
    outcome: str = "passed"


@dataclass(frozen=True)
class Sleep:
    node_id: str
    until: datetime
    next: str
    why: str


@dataclass(frozen=True)
class Await:
    node_id: str
    event: JourneyEvent
    deadline: datetime
    yes: str
    no: str


@dataclass(frozen=True)
class Act:
    node_id: str
    action: ActionNode
    next: str


@dataclass(frozen=True)
class Finish:
    node_id: str
    reason: ExitReason


Plan = Move | Sleep | Await | Act | Finish


def plan(graph: JourneyGraph, node_id: str, facts: CustomerFacts, now: datetime, zone: str) -> Plan:
    node = graph.node(node_id)
    if isinstance(node, TriggerNode):
        return Move(node.id, node.next)
    if isinstance(node, WaitNode):
        if node.minutes is not None:
            return Sleep(node.id, now + timedelta(minutes=node.minutes), node.next, f"{node.minutes} minutes")
        assert node.until is not None
        return Sleep(node.id, next_time_of_day(now, node.until, zone), node.next, f"until {node.until}")
    if isinstance(node, DecisionNode):
        return Await(node.id, node.event, now + timedelta(minutes=node.timeout_minutes), node.yes, node.no)
    if isinstance(node, ConditionNode):
        held = holds(node.check, facts)
        return Move(node.id, node.yes if held else node.no, "yes" if held else "no")
    if isinstance(node, ActionNode):
        quiet_until = quiet_end(now, graph.quiet_hours, zone) if node.action in SEND_ACTIONS else None
        if quiet_until is not None:
            return Sleep(node.id, quiet_until, node.id, "quiet hours")
        return Act(node.id, node, node.next)
    assert isinstance(node, ExitNode)
    return Finish(node.id, node.reason)


def holds(check: Condition, facts: CustomerFacts) -> bool:
    """Whether the customer meets a condition node's check."""
    if check.field == "score":
        return _compare(facts.score, check.op, _number(check.value))
    if check.field == "level":
        wanted = str(check.value)
        if wanted not in LEVELS:
            return False
        have, need = LEVELS.index(facts.level), LEVELS.index(wanted)
        return have == need if check.op == "eq" else _compare(float(have), check.op, float(need))
    if check.field == "tag":
        return str(check.value) in facts.tags
    if check.field == "profile":
        found = facts.profile.get(check.key or "")
        if check.op == "present":
            return bool(found)
        return found is not None and found == str(check.value)
    return all(field in facts.lead_fields for field in check.lead_fields)


def _number(value: str | float | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0


def _compare(have: float, op: str, need: float) -> bool:
    if op == "gte":
        return have >= need
    if op == "lte":
        return have <= need
    return have == need


def next_time_of_day(now: datetime, hhmm: str, zone: str) -> datetime:
    """The next `hh:mm` in the zone strictly after now."""
    local = now.astimezone(ZoneInfo(zone))
    hour, minute = (int(part) for part in hhmm.split(":"))
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= local:
        at = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return at.astimezone(now.tzinfo)


def quiet_end(now: datetime, quiet: QuietHours | None, zone: str) -> datetime | None:
    """When the quiet hours around now end; None outside them."""
    if quiet is None or quiet.start == quiet.end:
        return None
    local = now.astimezone(ZoneInfo(zone)).time()
    start, end = time.fromisoformat(quiet.start), time.fromisoformat(quiet.end)
    inside = start <= local < end if start < end else (local >= start or local < end)
    return next_time_of_day(now, quiet.end, zone) if inside else None


def answers(wanted: JourneyEvent, signal: JourneySignal, tag: str | None = None) -> bool:
    """Whether a customer's event is the one a decision or the goal waits for."""
    if signal.event != wanted:
        return False
    return tag is None or signal.tag == tag


def exit_for(graph: JourneyGraph, signal: JourneySignal) -> ExitReason | None:
    """An event that ends the enrolment wherever it is: the goal, a reply (if the journey says so)."""
    if answers(graph.goal.event, signal, graph.goal.tag):
        return "goal"
    if graph.exit_on_reply and signal.event == "replied":
        return "replied"
    return None


def apply(action: ActionNode, facts: CustomerFacts) -> CustomerFacts:
    """What an action changes in the facts later conditions read."""
    if action.action == "tag" and action.tag and action.tag not in facts.tags:
        return facts.model_copy(update={"tags": [*facts.tags, action.tag]})
    if action.action == "add_points" and action.points:
        return facts.model_copy(update={"score": facts.score + action.points})
    return facts


# -- the dry run ------------------------------------------------------------------------------------------


class SimulatedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    after_minutes: float = Field(ge=0, le=365 * 24 * 60, description="minutes after enrolment")
    event: JourneyEvent
    tag: str | None = Field(default=None, max_length=40)


class SimulatedStep(BaseModel):
    node_id: str
    kind: str
    outcome: str
    at: datetime
    detail: str = ""


class SimulatedAction(BaseModel):
    node_id: str
    action: str
    at: datetime
    text: str | None = None
    material_id: str | None = None
    tag: str | None = None
    points: int | None = None
    journey_id: str | None = None


class Simulation(BaseModel):
    path: list[SimulatedStep]
    actions: list[SimulatedAction]
    exit_reason: ExitReason
    goal_reached: bool
    ended_at: datetime


def simulate(
    graph: JourneyGraph,
    facts: CustomerFacts,
    events: list[SimulatedEvent],
    start: datetime,
    zone: str,
) -> Simulation:
    """The path an enrolment starting at `start` takes when the customer does `events`; nothing is sent."""
    run = _Run(graph, facts, start.astimezone(UTC), zone, events)
    return run.go()


class _Run:
    def __init__(
        self,
        graph: JourneyGraph,
        facts: CustomerFacts,
        start: datetime,
        zone: str,
        events: list[SimulatedEvent],
    ) -> None:
        self.graph, self.facts, self.now, self.zone = graph, facts, start, zone
        timed = [
            JourneySignal(event=e.event, tag=e.tag, at=start + timedelta(minutes=e.after_minutes))
            for e in events
        ]
        self.events = sorted(timed, key=lambda s: s.at)
        self.path: list[SimulatedStep] = []
        self.actions: list[SimulatedAction] = []

    def go(self) -> Simulation:
        trigger = self.graph.trigger()
        self._step(trigger.id, "trigger", "entered")
        node_id = trigger.next
        for _ in range(MAX_STEPS):
            step = plan(self.graph, node_id, self.facts, self.now, self.zone)
            kind = self.graph.node(node_id).kind
            if isinstance(step, Finish):
                self._step(node_id, kind, "exit", step.reason)
                return self._done(step.reason)
            if isinstance(step, Move):
                self._step(node_id, kind, step.outcome)
                node_id = step.next
            elif isinstance(step, Sleep):
                ended = self._exit_before(step.until)
                if ended is not None:
                    return self._done(ended)
                self._step(node_id, kind, "waited", step.why)
                self.now, node_id = step.until, step.next
            elif isinstance(step, Await):
                node_id = self._decide(step, kind)
                if node_id == "":
                    return self._done(self._ended)
            else:
                self._act(step)
                node_id = step.next
        return self._done("done")

    _ended: ExitReason = "done"

    def _decide(self, step: Await, kind: str) -> str:
        for signal in self.events:
            if not (self.now <= signal.at <= step.deadline):
                continue
            reason = exit_for(self.graph, signal)  # the goal wins over a decision waiting for the same event
            if reason is not None:
                self.now = signal.at
                self._ended = reason
                return ""
            if answers(step.event, signal):
                self.now = signal.at
                self._step(step.node_id, kind, "yes", signal.event)
                self._consume(signal)
                return step.yes
        self.now = step.deadline
        self._step(step.node_id, kind, "no", "timed out")
        return step.no

    def _exit_before(self, until: datetime) -> ExitReason | None:
        for signal in self.events:
            if self.now <= signal.at <= until:
                reason = exit_for(self.graph, signal)
                if reason is not None:
                    self.now = signal.at
                    return reason
        return None

    def _consume(self, signal: JourneySignal) -> None:
        self.events = [s for s in self.events if s is not signal]

    def _act(self, step: Act) -> None:
        node = step.action
        self._step(step.node_id, "action", node.action)
        self.actions.append(
            SimulatedAction(
                node_id=node.id,
                action=node.action,
                at=self.now,
                text=node.text,
                material_id=node.material_id,
                tag=node.tag,
                points=node.points,
                journey_id=node.journey_id,
            )
        )
        self.facts = apply(node, self.facts)

    def _step(self, node_id: str, kind: str, outcome: str, detail: str = "") -> None:
        self.path.append(
            SimulatedStep(node_id=node_id, kind=kind, outcome=outcome, at=self.now, detail=detail)
        )

    def _done(self, reason: ExitReason) -> Simulation:
        if reason != "done" and (not self.path or self.path[-1].outcome != "exit"):
            self.path.append(
                SimulatedStep(node_id="", kind="exit", outcome="exit", at=self.now, detail=reason)
            )
        return Simulation(
            path=self.path,
            actions=self.actions,
            exit_reason=reason,
            goal_reached=reason == "goal",
            ended_at=self.now,
        )
