"""The tenant's knowledge base (FAQ entries) as the customer-service bot and agents look it up."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KnowledgeQuery(BaseModel):
    tenant_id: str
    text: str = Field(description="what the customer wrote")
    limit: int = Field(default=3, ge=1, le=10)


class KnowledgeHit(BaseModel):
    """One entry that may answer the query; `score` is in 0..1, higher is better."""

    entry_id: str
    question: str
    answer: str
    tags: list[str] = Field(default_factory=list)
    score: float


class KnowledgeHits(BaseModel):
    """Best first. `answerable`: the first hit answers the query well enough for the bot to answer with it
    (its score reached the tenant-independent threshold KNOWLEDGE_MIN_SCORE); otherwise the bot hands off."""

    hits: list[KnowledgeHit] = Field(default_factory=list)
    answerable: bool = False
