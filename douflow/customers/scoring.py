"""Intent scores computed from a customer's events and the tenant's rules (seed 12), at a given now.

Pure: the same events, rules and now give the same card, so a rule change re-scores every customer at once and a
test measures decay against the now it passes, never the clock. Events are taken oldest first: a rule counted
once keeps the first event; a daily cap (UTC days) keeps the earliest points of the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.customers import (
    DEFAULT_GROUP,
    Contribution,
    Level,
    LevelThresholds,
    ScoreCard,
    ScoreRule,
    ScoreThreshold,
    ScoringRules,
    ThresholdAction,
)

SECONDS_PER_DAY = 86_400
PLACES = 2


@dataclass(frozen=True)
class Happened:
    """The part of a stored event scoring reads."""

    id: str
    type: str
    occurred_at: datetime
    points: float | None = None  # a journey's add_points action: its own points, in the default group


# A journey's add_points action (seed 15): counted as given, in the default group, without decay or caps.
JOURNEY_POINTS = "journey_points"


def default_rules() -> ScoringRules:
    """A new tenant's rules: questions that show buying intent weigh most, contact left is hot at once,
    interest from the account's videos counts a little and fades in two weeks. Documented in the README."""

    def rule(event_type: str, points: int, **more: object) -> ScoreRule:
        return ScoreRule.model_validate({"event_type": event_type, "points": points, **more})

    return ScoringRules(
        rules=[
            rule("message_received", 1, daily_cap=5, half_life_days=7),
            rule("im_enter_direct_msg", 1, daily_cap=2, half_life_days=7),
            rule("price_question", 15, daily_cap=30, half_life_days=14),
            rule("purchase_question", 20, daily_cap=40, half_life_days=14),
            rule("booking_question", 20, daily_cap=40, half_life_days=14),
            rule("address_question", 10, daily_cap=20, half_life_days=14),
            rule("card_submitted", 30, half_life_days=30),
            rule("lead_left", 50, repeatable=False, half_life_days=30),
            rule("comment", 3, daily_cap=9, half_life_days=14),
            rule("new_video_digg", 2, daily_cap=6, half_life_days=14),
            rule("new_follow_action", 5, repeatable=False, half_life_days=30),
            rule("material_opened", 5, daily_cap=10, half_life_days=14),
            rule("material_downloaded", 8, daily_cap=16, half_life_days=14),
        ],
        thresholds=[
            ScoreThreshold(
                group=DEFAULT_GROUP, score=50, actions=[ThresholdAction(kind="tag", tag="高意向")]
            ),
        ],
        levels=LevelThresholds(warm=20, hot=50),
        notify_on_level=["hot"],
    )


def score(events: Sequence[Happened], rules: ScoringRules, now: datetime) -> ScoreCard:
    """The customer's score per group at `now`, with every event's contribution; events after `now` wait."""
    scores: dict[str, float] = {group: 0.0 for rule in rules.rules for group in rule.groups}
    scores.setdefault(DEFAULT_GROUP, 0.0)
    counted: set[str] = set()
    per_day: dict[tuple[str, str], int] = defaultdict(int)
    given: list[Contribution] = []
    skipped: list[Contribution] = []
    for event in sorted(events, key=lambda e: (e.occurred_at, e.id)):
        if event.type == JOURNEY_POINTS and event.points and event.occurred_at <= now:
            scores[DEFAULT_GROUP] += event.points
            given.append(_given(event, event.points))
            continue
        rule = rules.rule_for(event.type)
        if rule is None or rule.points == 0 or event.occurred_at > now:
            continue
        points, note = _capped(rule, event, counted, per_day)
        factor = _decay(rule, event.occurred_at, now)
        for group in rule.groups:
            part = Contribution(
                event_id=event.id,
                event_type=event.type,
                occurred_at=event.occurred_at,
                group=group,
                points=points,
                decayed=round(points * factor, PLACES),
                note=note,
            )
            if points == 0:
                skipped.append(part)
                continue
            given.append(part)
            scores[group] += points * factor
    rounded = {group: round(value, PLACES) for group, value in scores.items()}
    return ScoreCard(
        scores=rounded, level=level_of(rounded, rules.levels), contributions=given, skipped=skipped, at=now
    )


def _given(event: Happened, points: float) -> Contribution:
    return Contribution(
        event_id=event.id,
        event_type=event.type,
        occurred_at=event.occurred_at,
        group=DEFAULT_GROUP,
        points=points,
        decayed=points,
    )


def level_of(scores: dict[str, float], levels: LevelThresholds) -> Level:
    top = max(scores.values(), default=0.0)
    if top >= levels.hot:
        return "hot"
    return "warm" if top >= levels.warm else "cold"


def top_score(card: ScoreCard) -> float:
    return max(card.scores.values(), default=0.0)


def crossed(card: ScoreCard, threshold: ScoreThreshold) -> bool:
    return card.scores.get(threshold.group, 0.0) >= threshold.score


def _capped(
    rule: ScoreRule, event: Happened, counted: set[str], per_day: dict[tuple[str, str], int]
) -> tuple[float, str | None]:
    """The rule's points for this event after once-only and the daily cap, with why they were cut."""
    if not rule.repeatable and event.type in counted:
        return 0, "counted once: an earlier event already scored"
    counted.add(event.type)
    if rule.daily_cap is None or rule.points < 0:
        return rule.points, None
    day = (event.type, event.occurred_at.date().isoformat())
    room = rule.daily_cap - per_day[day]
    points = max(0, min(rule.points, room))
    per_day[day] += points
    return points, None if points == rule.points else f"daily cap of {rule.daily_cap} points"


def _decay(rule: ScoreRule, at: datetime, now: datetime) -> float:
    if rule.half_life_days is None:
        return 1.0
    age_days = (now - at).total_seconds() / SECONDS_PER_DAY
    factor: float = 0.5 ** (max(age_days, 0.0) / rule.half_life_days)
    return factor
