"""Titles the template provider writes from an account's proven hook patterns: one candidate per pattern,
the pattern's structure filled with this request's subject, citing the post it was learnt from."""

from __future__ import annotations

from activities.agent.datafiles import load
from models.generation import TitleCandidate, TitleRequest, proven_of
from models.proven import ProvenPattern


def proven_titles(req: TitleRequest, subject: str, limit: int, count: int) -> list[TitleCandidate]:
    """Up to `count` candidates, one per proven pattern in the order they were proven (best first)."""
    proven = proven_of(req)
    if proven is None:
        return []
    candidates = [_candidate(p, subject, limit) for p in proven.patterns[: max(count, 0)]]
    return [c for c in candidates if c is not None]


def _candidate(proven: ProvenPattern, subject: str, limit: int) -> TitleCandidate | None:
    """The pattern's longest template that fits `limit`; None when none does."""
    hook = load("hooks")[proven.pattern]
    for template in hook["templates"]:
        text = str(template).format(subject=subject)
        if len(text) <= limit:
            return TitleCandidate(
                text=text,
                formula=hook["formula"],
                length=len(text),
                pattern=proven.pattern,
                evidence=proven.evidence,
            )
    return None
