"""Intent scores from events and rules (seed 12), measured against the `now` the test passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from douflow.customers.scoring import Happened, default_rules, score
from models.customers import LevelThresholds, ScoreRule, ScoringRules

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _event(n: int, kind: str, at: datetime) -> Happened:
    return Happened(id=f"e{n:03d}", type=kind, occurred_at=at)


def _rules(*rules: ScoreRule, warm: float = 20, hot: float = 50) -> ScoringRules:
    return ScoringRules(rules=list(rules), levels=LevelThresholds(warm=warm, hot=hot))


def test_a_repeatable_rule_counts_every_event_and_a_once_rule_the_first() -> None:
    rules = _rules(
        ScoreRule(event_type="price_question", points=10),
        ScoreRule(event_type="new_follow_action", points=5, repeatable=False),
    )
    events = [_event(i, "price_question", NOW - timedelta(hours=i)) for i in range(3)]
    events += [_event(10 + i, "new_follow_action", NOW - timedelta(hours=i)) for i in range(2)]
    card = score(events, rules, NOW)
    assert card.scores["default"] == 35
    assert [c.note for c in card.skipped] == ["counted once: an earlier event already scored"]
    assert card.skipped[0].event_id == "e010"  # the later follow; the earliest one counted


def test_the_daily_cap_keeps_the_earliest_points_of_each_day() -> None:
    rules = _rules(ScoreRule(event_type="message_received", points=2, daily_cap=5))
    day_one = [_event(i, "message_received", NOW - timedelta(days=1, minutes=10 - i)) for i in range(4)]
    day_two = [_event(10 + i, "message_received", NOW - timedelta(minutes=10 - i)) for i in range(2)]
    card = score(day_one + day_two, rules, NOW)
    assert card.scores["default"] == 5 + 4
    capped = [c for c in card.contributions if c.note]
    assert [(c.event_id, c.points) for c in capped] == [("e002", 1)]
    assert [c.event_id for c in card.skipped] == ["e003"]


def test_points_halve_with_each_half_life_against_the_given_now() -> None:
    rules = _rules(ScoreRule(event_type="price_question", points=40, half_life_days=7))
    events = [_event(1, "price_question", NOW - timedelta(days=14))]
    assert score(events, rules, NOW).scores["default"] == 10
    assert score(events, rules, NOW - timedelta(days=7)).scores["default"] == 20
    explained = score(events, rules, NOW).contributions[0]
    assert (explained.points, explained.decayed) == (40, 10)


def test_events_after_now_and_types_without_a_rule_give_nothing() -> None:
    rules = _rules(ScoreRule(event_type="price_question", points=10))
    events = [_event(1, "price_question", NOW + timedelta(minutes=1)), _event(2, "comment", NOW)]
    card = score(events, rules, NOW)
    assert card.scores["default"] == 0 and card.contributions == []


def test_an_event_counts_in_every_group_its_rule_names_and_the_level_follows_the_highest() -> None:
    rules = _rules(
        ScoreRule(event_type="price_question", points=30, groups=["coffee", "beans"]),
        ScoreRule(event_type="booking_question", points=25, groups=["coffee"]),
    )
    events = [_event(1, "price_question", NOW), _event(2, "booking_question", NOW)]
    card = score(events, rules, NOW)
    assert card.scores == {"coffee": 55, "beans": 30, "default": 0}
    assert card.level == "hot"
    assert score(events[:1], rules, NOW).level == "warm"
    assert score([], rules, NOW).level == "cold"


def test_a_rule_change_rescores_the_same_events() -> None:
    events = [_event(i, "price_question", NOW - timedelta(hours=i)) for i in range(2)]
    low = score(events, _rules(ScoreRule(event_type="price_question", points=5)), NOW)
    high = score(events, _rules(ScoreRule(event_type="price_question", points=30)), NOW)
    assert (low.scores["default"], low.level) == (10, "cold")
    assert (high.scores["default"], high.level) == (60, "hot")


def test_rules_are_refused_with_two_rules_for_one_type_or_levels_out_of_order() -> None:
    with pytest.raises(ValidationError):
        _rules(ScoreRule(event_type="comment", points=1), ScoreRule(event_type="comment", points=2))
    with pytest.raises(ValidationError):
        LevelThresholds(warm=50, hot=20)
    with pytest.raises(ValidationError):
        ScoreRule(event_type="comment", points=1, groups=["Not A Group"])


def test_the_defaults_make_a_price_question_and_a_lead_hot() -> None:
    rules = default_rules()
    events = [_event(1, "price_question", NOW), _event(2, "lead_left", NOW)]
    assert score(events, rules, NOW).level == "hot"
    assert score(events[:1], rules, NOW).level == "cold"
