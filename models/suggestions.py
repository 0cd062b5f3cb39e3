"""Reply suggestions for agents (seed 11): what the suggestion workflow, agent-center, the store and the BFF
exchange.

A set answers one customer message (the latest when it was asked for). If the customer wrote again before the
set was ready, it is still shown but marked stale, so an agent never sends a draft that answers an old question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.brands import BrandContext
from models.conversations import Turn
from models.knowledge import KnowledgeHits
from models.materials import MaterialCitation

# concise: 简洁直接; warm: 热情亲切; professional: 专业详细.
SuggestionStyle = Literal["concise", "warm", "professional"]
STYLES: tuple[SuggestionStyle, ...] = ("concise", "warm", "professional")
STYLE_LABELS: dict[SuggestionStyle, str] = {
    "concise": "简洁直接",
    "warm": "热情亲切",
    "professional": "专业详细",
}
SUGGESTION_MAX = 500


class SuggestionInput(BaseModel):
    """A request for suggestions, made by an agent for one of the tenant's conversations."""

    tenant_id: str
    conversation_id: str
    requested_by: str


class SuggestionContext(BaseModel):
    """What the suggestions answer: the customer's latest messages (since the last reply) and the transcript."""

    conversation_id: str
    messages: list[str] = Field(default_factory=list, description="the customer's unanswered messages")
    history: list[Turn] = Field(default_factory=list)
    based_on: str | None = Field(default=None, description="the latest customer message's id")
    brand: BrandContext | None = None


class SuggestionJob(BaseModel):
    """agent-center's input: the customer's messages, the transcript, the knowledge hits, the brand, and the
    materials the requesting agent may send that answer the customer."""

    tenant_id: str
    messages: list[str]
    history: list[Turn] = Field(default_factory=list)
    knowledge: KnowledgeHits = Field(default_factory=KnowledgeHits)
    brand: BrandContext | None = None
    materials: list[MaterialCitation] = Field(default_factory=list)


class SuggestedReply(BaseModel):
    """One draft; `cited` names the knowledge entries whose answers it rests on. A holding reply cites
    nothing: no entry answers the customer, so it promises an answer instead of inventing one."""

    style: SuggestionStyle
    text: str = Field(min_length=1, max_length=SUGGESTION_MAX)
    cited: list[str] = Field(default_factory=list, description="knowledge entry ids the text rests on")
    holding: bool = Field(default=False, description="no knowledge entry answers it: a holding reply")
    materials: list[str] = Field(
        default_factory=list,
        description="ids of the set's materials the text offers (it names each by title)",
    )


class SuggestionSet(BaseModel):
    """One draft per style, in the order of STYLES."""

    suggestions: list[SuggestedReply]


class CheckedSuggestion(SuggestedReply):
    """A draft as compliance left it (rewritten where a finding allowed it)."""

    findings: list[str] = Field(default_factory=list)


class SuggestionBatch(BaseModel):
    """A set to record; the store tells whether a newer customer message arrived meanwhile."""

    tenant_id: str
    set_id: str
    conversation_id: str
    based_on: str | None
    requested_by: str
    suggestions: list[CheckedSuggestion]
    at: datetime
    materials: list[MaterialCitation] = Field(default_factory=list)


class StoredSuggestion(CheckedSuggestion):
    id: str
    label: str = Field(description="the style's name: 简洁直接, 热情亲切 or 专业详细")
    used_at: datetime | None = None
    used_by: str | None = None
    edited: bool = Field(default=False, description="sent with changes to its text (once used)")


class SuggestionResult(BaseModel):
    """A recorded set; `stale`: the customer wrote again after `based_on` (re-read when the set was ready,
    and again whenever it is read). `materials`: those of the agent's libraries that answer the customer and
    may be sent, each with why it matched; a draft that offers one lists its id in its own `materials`."""

    set_id: str
    conversation_id: str
    based_on: str | None
    latest_customer_message: str | None
    stale: bool
    suggestions: list[StoredSuggestion]
    created_at: datetime
    materials: list[MaterialCitation] = Field(
        default_factory=list,
        description="materials the reader may send that answer the customer, best first (expired ones never)",
    )


class StyleStats(BaseModel):
    style: SuggestionStyle
    label: str
    made: int
    used_as_is: int
    used_edited: int
    acceptance_rate: float = Field(description="suggestions of the style sent (as is or edited) / made")


class SuggestionStats(BaseModel):
    """Acceptance over a period: of the sets made, how many led to a reply, and how much was changed."""

    since: datetime | None
    until: datetime | None
    sets: int = Field(description="suggestion sets made")
    sets_used: int = Field(description="sets from which an agent sent a suggestion")
    suggestions: int = Field(description="suggestions made (every style of every set)")
    used_as_is: int
    used_edited: int
    acceptance_rate: float = Field(description="sets_used / sets (0 when none was made)")
    styles: list[StyleStats]
