"""The designer's rules (seed 15): each problem names the node it is about."""

from __future__ import annotations

from typing import Any

import pytest

from douflow.customers.journey_rules import problems
from models.douyin_accounts import CustomerServiceReadiness
from models.journeys import JourneyGraph
from tests.support.journeys import lead_journey, tag_journey

READY = CustomerServiceReadiness(ready=True)


def _found(graph: dict[str, Any], account: CustomerServiceReadiness | None = READY) -> list[tuple[str, str]]:
    return [(p.node_id, p.message) for p in problems(JourneyGraph.model_validate(graph), account)]


def _node(graph: dict[str, Any], node_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in graph["nodes"] if n["id"] == node_id)
    return found


def test_a_lead_journey_with_a_ready_account_has_no_problem() -> None:
    assert _found(lead_journey()) == []
    assert _found(tag_journey(), None) == [], "a journey that sends nothing needs no account"


def test_an_edge_to_a_missing_node_names_the_node_it_leaves() -> None:
    graph = lead_journey()
    _node(graph, "replied")["no"] = "nowhere"
    [(node_id, message)] = _found(graph)
    assert node_id == "replied" and "nowhere" in message


def test_an_unreachable_node_is_named() -> None:
    graph = lead_journey()
    graph["nodes"].append({"id": "orphan", "kind": "action", "action": "tag", "tag": "x", "next": "done"})
    assert _found(graph) == [("orphan", "no path from the trigger reaches it")]


def test_a_loop_without_a_wait_is_named_and_one_with_a_wait_is_fine() -> None:
    looping = tag_journey()
    _node(looping, "mark")["next"] = "check"
    looping["nodes"].append(
        {"id": "check", "kind": "condition", "check": {"field": "tag", "op": "has", "value": "vip"},
         "yes": "done", "no": "mark"}
    )  # fmt: skip
    [(node_id, message)] = _found(looping, None)
    assert node_id in ("check", "mark") and "no wait" in message
    waiting = tag_journey()
    _node(waiting, "mark")["next"] = "check"
    waiting["nodes"].append(
        {"id": "check", "kind": "condition", "check": {"field": "tag", "op": "has", "value": "vip"},
         "yes": "done", "no": "pause"}
    )  # fmt: skip
    assert _found(waiting, None) == []


def test_a_send_needs_an_account_that_may_hold_conversations() -> None:
    [(node_id, message)] = _found(lead_journey(), None)
    assert node_id == "follow" and "bound account" in message
    refused = CustomerServiceReadiness(ready=False, reason="im.direct_message not granted")
    [(node_id, message)] = _found(lead_journey(), refused)
    assert node_id == "follow" and "im.direct_message not granted" in message


def test_a_send_past_the_reply_window_must_be_proactive() -> None:
    graph = lead_journey()
    _node(graph, "replied")["event"] = "lead_left"  # a yes no longer means the customer just wrote
    [(node_id, message)] = _found(graph)
    assert node_id == "follow" and "24-hour reply window" in message and "49 hours" in message
    _node(graph, "follow")["proactive"] = True
    assert _found(graph) == []


def test_a_reply_starts_the_window_again_and_a_manual_trigger_has_none() -> None:
    assert _found(lead_journey(wait_minutes=23 * 60)) == [], "the send follows a reply"
    manual = lead_journey()
    _node(manual, "start")["on"] = "manual"
    _node(manual, "replied")["event"] = "lead_left"
    [(node_id, message)] = _found(manual)
    assert node_id == "follow" and "an unknown time" in message


def test_a_decision_waits_at_most_thirty_days() -> None:
    [(node_id, message)] = _found(lead_journey(timeout_minutes=31 * 24 * 60))
    assert node_id == "replied" and "30 days" in message


@pytest.mark.parametrize(
    ("change", "node_id"),
    [
        (lambda g: g["nodes"].append({"id": "start", "kind": "exit"}), "start"),
        (lambda g: _node(g, "follow").update(next="start"), "follow"),
    ],
)
def test_duplicate_ids_and_edges_into_the_trigger_are_named(change: Any, node_id: str) -> None:
    graph = lead_journey()
    change(graph)
    assert node_id in [n for n, _ in _found(graph)]
