"""Stepping through a journey as the workflow and the dry run share it (seed 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.journey_steps import SimulatedEvent, next_time_of_day, quiet_end, simulate
from models.journeys import CustomerFacts, JourneyGraph, QuietHours
from tests.support.journeys import FOLLOW_UP, lead_journey

ZONE = "Asia/Shanghai"
# 10:00 in Shanghai.
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_a_reply_within_the_timeout_takes_the_yes_branch_and_sends_at_its_time() -> None:
    graph = JourneyGraph.model_validate(lead_journey())
    run = simulate(graph, CustomerFacts(), [SimulatedEvent(after_minutes=180, event="replied")], START, ZONE)

    assert [(s.node_id, s.outcome) for s in run.path] == [
        ("start", "entered"), ("pause", "waited"), ("replied", "yes"), ("follow", "send_message"), ("done", "exit"),
    ]  # fmt: skip
    [send] = run.actions
    assert (send.action, send.text, send.at) == ("send_message", FOLLOW_UP, START + timedelta(minutes=180))
    assert run.exit_reason == "done" and not run.goal_reached


def test_no_reply_times_out_into_the_no_branch() -> None:
    graph = JourneyGraph.model_validate(lead_journey())
    early = SimulatedEvent(after_minutes=30, event="replied")  # before the decision began: not an answer
    run = simulate(graph, CustomerFacts(), [early], START, ZONE)

    assert [(s.node_id, s.outcome) for s in run.path][2] == ("replied", "no")
    [tag] = run.actions
    assert (tag.action, tag.tag, tag.at) == (
        "tag",
        "silent-lead",
        START + timedelta(minutes=60 + 2 * 24 * 60),
    )


def test_the_goal_ends_the_enrolment_wherever_it_is() -> None:
    graph = JourneyGraph.model_validate(lead_journey())
    run = simulate(
        graph, CustomerFacts(), [SimulatedEvent(after_minutes=10, event="purchase_question")], START, ZONE
    )

    assert run.exit_reason == "goal" and run.goal_reached and run.actions == []
    assert run.ended_at == START + timedelta(minutes=10)


def test_a_send_in_quiet_hours_waits_for_their_end() -> None:
    graph = JourneyGraph.model_validate(lead_journey(wait_minutes=13 * 60))  # 23:00 in Shanghai
    run = simulate(
        graph, CustomerFacts(), [SimulatedEvent(after_minutes=13 * 60 + 5, event="replied")], START, ZONE
    )

    [send] = run.actions
    assert send.at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "08:00 in Shanghai the next morning"
    assert ("follow", "waited", "quiet hours") in [(s.node_id, s.outcome, s.detail) for s in run.path]


def test_a_condition_reads_the_customer_and_earlier_actions() -> None:
    nodes = [
        {"id": "start", "kind": "trigger", "on": "manual", "next": "points"},
        {"id": "points", "kind": "action", "action": "add_points", "points": 30, "next": "hot"},
        {"id": "hot", "kind": "condition", "check": {"field": "score", "op": "gte", "value": 50},
         "yes": "lead", "no": "done"},
        {"id": "lead", "kind": "condition", "check": {"field": "lead_fields", "op": "present",
         "lead_fields": ["phone"]}, "yes": "vip", "no": "done"},
        {"id": "vip", "kind": "action", "action": "tag", "tag": "vip", "next": "done"},
        {"id": "done", "kind": "exit", "reason": "goal"},
    ]  # fmt: skip
    graph = JourneyGraph.model_validate({"nodes": nodes})
    run = simulate(graph, CustomerFacts(score=25, lead_fields=["phone"]), [], START, ZONE)

    assert [a.action for a in run.actions] == ["add_points", "tag"]
    assert run.goal_reached
    cold = simulate(graph, CustomerFacts(score=10), [], START, ZONE)
    assert [a.action for a in cold.actions] == ["add_points"]


def test_times_of_day_are_in_the_tenant_zone() -> None:
    assert next_time_of_day(START, "09:30", ZONE) == datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
    assert next_time_of_day(START, "18:00", ZONE) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert quiet_end(START, QuietHours(), ZONE) is None
    assert quiet_end(START, QuietHours(start="09:00", end="11:00"), ZONE) == datetime(
        2026, 12, 1, 3, 0, tzinfo=UTC
    )
