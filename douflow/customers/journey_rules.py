"""Whether a journey graph can run (seed 15), as pure rules: each problem names the node it is about.

Checked when a draft is saved and again when it is published (the account's scopes may have changed since):
one trigger, no edge to a missing node, every node reachable from the trigger, a wait in every loop, actions the
bound account's scopes allow, and sends that Douyin's reply window lets through.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from models.douyin_accounts import CustomerServiceReadiness
from models.journeys import (
    SEND_ACTIONS,
    ActionNode,
    ConditionNode,
    DecisionNode,
    ExitNode,
    JourneyGraph,
    Node,
    TriggerNode,
    WaitNode,
)

# Douyin accepts a reply while the customer's last message is younger than this (douyin-openapi.md).
REPLY_WINDOW_MINUTES = 24 * 60
# Waiting longer than this for a customer's event is no decision any more; use a wait and a condition.
MAX_DECISION_MINUTES = 30 * 24 * 60
# Triggers that come from the customer writing just now, so the reply window is open when the journey starts.
WINDOW_OPEN_TRIGGERS = frozenset({"first_message", "lead_captured", "handed_off"})
# Actions that go through the bound account's private messages.
MESSAGE_ACTIONS = frozenset({*SEND_ACTIONS, "handover"})


@dataclass(frozen=True)
class JourneyProblem:
    node_id: str
    message: str

    def __str__(self) -> str:
        return f"node {self.node_id}: {self.message}"


def problems(graph: JourneyGraph, account: CustomerServiceReadiness | None) -> list[JourneyProblem]:
    """Everything wrong with the graph, in node order; empty when it can be published.

    `account` is the readiness of the account the journey sends through (None: no account bound)."""
    found = _shape(graph)
    if found:
        return found
    found += _unreachable(graph)
    found += _loops_without_wait(graph)
    found += _actions(graph, account)
    found += _windows(graph)
    return found


def _edges(node: Node) -> list[str]:
    if isinstance(node, ExitNode):
        return []
    if isinstance(node, DecisionNode | ConditionNode):
        return [node.yes, node.no]
    return [node.next]


def _shape(graph: JourneyGraph) -> list[JourneyProblem]:
    found: list[JourneyProblem] = []
    seen: set[str] = set()
    for node in graph.nodes:
        if node.id in seen:
            found.append(JourneyProblem(node.id, "the id is used by more than one node"))
        seen.add(node.id)
    triggers = [n for n in graph.nodes if isinstance(n, TriggerNode)]
    if len(triggers) != 1:
        first = triggers[1].id if len(triggers) > 1 else graph.nodes[0].id
        found.append(
            JourneyProblem(first, f"a journey has exactly one trigger, this one has {len(triggers)}")
        )
    for node in graph.nodes:
        for target in _edges(node):
            if target not in seen:
                found.append(JourneyProblem(node.id, f"its edge leads to {target}, which is not a node"))
            elif triggers and target == triggers[0].id:
                found.append(JourneyProblem(node.id, "its edge leads back to the trigger"))
    if not any(isinstance(n, ExitNode) for n in graph.nodes):
        found.append(JourneyProblem(graph.nodes[-1].id, "the journey has no exit node"))
    return found


def _unreachable(graph: JourneyGraph) -> list[JourneyProblem]:
    reached = set(_walk(graph, graph.trigger().id))
    return [
        JourneyProblem(n.id, "no path from the trigger reaches it")
        for n in graph.nodes
        if n.id not in reached
    ]


def _walk(graph: JourneyGraph, start: str) -> Iterator[str]:
    stack, seen = [start], set[str]()
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        yield node_id
        stack.extend(_edges(graph.node(node_id)))


def _loops_without_wait(graph: JourneyGraph) -> list[JourneyProblem]:
    """A cycle through no wait node would step (and send) as fast as the worker runs."""
    waits = {n.id for n in graph.nodes if isinstance(n, WaitNode)}
    colour: dict[str, int] = {}
    found: list[JourneyProblem] = []

    def visit(node_id: str) -> None:
        colour[node_id] = 1
        for target in _edges(graph.node(node_id)):
            if target in waits:
                continue
            if colour.get(target) == 1:
                found.append(JourneyProblem(node_id, f"the loop back to {target} has no wait node"))
            elif target not in colour:
                visit(target)
        colour[node_id] = 2

    for node in graph.nodes:
        if node.id not in colour and node.id not in waits:
            visit(node.id)
    return found


def _actions(graph: JourneyGraph, account: CustomerServiceReadiness | None) -> list[JourneyProblem]:
    found: list[JourneyProblem] = []
    for node in graph.nodes:
        if isinstance(node, DecisionNode) and node.timeout_minutes > MAX_DECISION_MINUTES:
            days = MAX_DECISION_MINUTES // (24 * 60)
            found.append(JourneyProblem(node.id, f"a decision waits at most {days} days for the customer"))
        if not isinstance(node, ActionNode) or node.action not in MESSAGE_ACTIONS:
            continue
        if account is None:
            found.append(JourneyProblem(node.id, f"{node.action} needs the journey to name a bound account"))
        elif not account.ready:
            why = account.reason or "the account cannot hold customer conversations"
            found.append(JourneyProblem(node.id, f"{node.action} is not allowed on the account: {why}"))
    return found


def _windows(graph: JourneyGraph) -> list[JourneyProblem]:
    """A send the customer's last message may be more than 24 hours before must be allowed to go proactive."""
    trigger = graph.trigger()
    start = 0.0 if trigger.on in WINDOW_OPEN_TRIGGERS else math.inf
    latest = _latest_since_customer(graph, trigger.next, start)
    found: list[JourneyProblem] = []
    for node in graph.nodes:
        if isinstance(node, ActionNode) and node.action in SEND_ACTIONS and not node.proactive:
            since = latest.get(node.id, 0.0)
            if since > REPLY_WINDOW_MINUTES:
                when = "an unknown time" if math.isinf(since) else f"up to {since / 60:g} hours"
                found.append(
                    JourneyProblem(
                        node.id,
                        f"it may run {when} after the customer last wrote, past Douyin's 24-hour reply window: "
                        "mark it proactive (sent only to customers who authorised it, a few a day) or shorten "
                        "the waits before it",
                    )
                )
    return found


def _latest_since_customer(graph: JourneyGraph, first: str, start: float) -> dict[str, float]:
    """For each node, the longest time (minutes) since the customer last wrote when it can run; a loop makes it
    unbounded. A decision's yes on a reply starts the window again."""
    latest: dict[str, float] = {}
    stack: list[tuple[str, float, frozenset[str]]] = [(first, start, frozenset())]
    while stack:
        node_id, since, path = stack.pop()
        if node_id in path:
            since = math.inf
        if latest.get(node_id, -1.0) >= since:
            continue
        latest[node_id] = since
        node = graph.node(node_id)
        onward = path | {node_id}
        if isinstance(node, WaitNode):
            stack.append((node.next, since + (node.minutes or 24 * 60), onward))
        elif isinstance(node, DecisionNode):
            yes = 0.0 if node.event == "replied" else since + node.timeout_minutes
            stack.append((node.yes, yes, onward))
            stack.append((node.no, since + node.timeout_minutes, onward))
        else:
            stack.extend((target, since, onward) for target in _edges(node))
    return latest
