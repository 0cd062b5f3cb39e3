"""What the openai provider asks a model for titles: each candidate names the proven pattern it follows.

The evidence is attached here from the patterns the job carries, never taken from the model, so a title
can only cite a post the account really has; a pattern the model names that was not proven is dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.generation import TitleCandidate, TitleResult
from models.proven import ProvenPatterns


class AnsweredTitle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    formula: str
    length: int
    pattern: str | None = Field(default=None, description="the proven pattern it follows, or null")


class TitleAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidates: list[AnsweredTitle] = Field(min_length=1)


def cited(answered: list[AnsweredTitle], proven: ProvenPatterns | None) -> TitleResult:
    """Candidates with their text stripped and recounted, each citing the post of the pattern it names."""
    evidence = {p.pattern: p.evidence for p in proven.patterns} if proven else {}
    candidates = []
    for answer in answered:
        text = answer.text.strip()
        pattern = answer.pattern if answer.pattern in evidence else None
        candidates.append(
            TitleCandidate(
                text=text,
                formula=answer.formula,
                length=len(text),
                pattern=pattern,
                evidence=evidence.get(pattern) if pattern else None,
            )
        )
    return TitleResult(candidates=candidates)
