"""The viral rule as a pure function, so the sync workflow decides hits deterministically from data."""

from __future__ import annotations

from models.metrics import Hit, HitCandidate, ViralRuleSpec


def judge(candidate: HitCandidate, rule: ViralRuleSpec) -> Hit | None:
    """A hit when the item is `ratio` times its account's median at a similar age, on enough samples.

    The comparison is of the same metric at about the same age, which is the same as comparing the
    average rate per hour since publishing; a fixed absolute number would favour big accounts.
    """
    if candidate.samples < rule.min_samples or candidate.baseline_median is None:
        return None
    if candidate.value < rule.min_value:
        return None
    baseline = max(candidate.baseline_median, 1.0)
    ratio = candidate.value / baseline
    if ratio < rule.ratio:
        return None
    return Hit(
        item_id=candidate.item_id,
        metric=rule.metric,
        value=candidate.value,
        baseline_median=candidate.baseline_median,
        ratio=round(ratio, 3),
        samples=candidate.samples,
        age_seconds=candidate.age_seconds,
    )


def decide(candidates: list[HitCandidate], rule: ViralRuleSpec) -> list[tuple[Hit, bool]]:
    """Every hit with whether it was replicated before (those are reported, never replicated again)."""
    if not rule.enabled:
        return []
    judged = [(judge(c, rule), c.already_replicated) for c in candidates]
    return [(hit, replicated) for hit, replicated in judged if hit is not None]
