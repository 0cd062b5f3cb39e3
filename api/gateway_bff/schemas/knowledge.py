"""The knowledge base: what the knowledge routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import Interval, MaxLen
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from api.gateway_bff.schemas.field_rules import at_least_one, present
from api.gateway_bff.schemas.request_body import RequestBody
from models.request_types import JsonInteger, trim, trimmed_text

QUESTION_MAX = 200
ANSWER_MAX = 2000
VARIANTS_MAX = 20
TAG_MAX = 20
TAGS_MAX = 10

Question = Annotated[
    str,
    BeforeValidator(trim),
    StringConstraints(min_length=2, max_length=QUESTION_MAX),
    trimmed_text(2, QUESTION_MAX),
]
Answer = Annotated[
    str,
    BeforeValidator(trim),
    StringConstraints(min_length=1, max_length=ANSWER_MAX),
    trimmed_text(1, ANSWER_MAX),
]
Tag = Annotated[
    str, BeforeValidator(trim), StringConstraints(min_length=1, max_length=TAG_MAX), trimmed_text(1, TAG_MAX)
]
RowId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# The limit holds for what was sent, before repeats are dropped: the document says maxItems of the request.
Variants = Annotated[list[Question], MaxLen(VARIANTS_MAX), AfterValidator(_unique)]
Tags = Annotated[list[Tag], MaxLen(TAGS_MAX), AfterValidator(_unique)]


class KnowledgeEntryIn(RequestBody):
    """A new entry: the question as customers ask it, other ways they ask it, and the answer."""

    question: Question
    variants: Variants = Field(
        default_factory=list, max_length=VARIANTS_MAX, description="other phrasings customers use"
    )
    answer: Answer
    tags: Tags = Field(default_factory=list, max_length=TAGS_MAX)
    enabled: bool = Field(default=True, description="false keeps the entry out of the bot's lookups")
    brand_id: RowId | None = Field(default=None, description="a brand of the tenant the entry is about")


class KnowledgePatch(RequestBody):
    """The fields to change; the rest stay as they are."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                *at_least_one("question", "variants", "answer", "tags", "enabled")["anyOf"],
                present("brand_id"),  # null takes the entry's brand away
            ]
        }
    )

    question: Question | None = None
    variants: Variants | None = None
    answer: Answer | None = None
    tags: Tags | None = None
    enabled: bool | None = None
    brand_id: RowId | None = None
    base_version: Annotated[int, Interval(ge=1, le=1_000_000), JsonInteger] | None = Field(
        default=None, description="the version you edited (409 if stale)"
    )

    @model_validator(mode="after")
    def _something_to_change(self) -> KnowledgePatch:
        # As the schema says: a field counts when it is not null, except brand_id, whose null clears the brand.
        given = [
            name for name in self.model_fields_set if getattr(self, name) is not None or name == "brand_id"
        ]
        if not set(given) - {"base_version"}:
            raise ValueError("nothing to change: send question, variants, answer, tags, enabled or brand_id")
        return self


class KnowledgeEntryView(BaseModel):
    id: str
    question: str
    variants: list[str]
    answer: str
    tags: list[str]
    enabled: bool
    brand_id: str | None
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    score: float | None = Field(default=None, description="how well it matches `q` (0..1), when searched")


class KnowledgePage(BaseModel):
    items: list[KnowledgeEntryView]
    total: int
    limit: int
    offset: int
