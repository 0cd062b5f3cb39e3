"""Brand profiles: the facts an operator keeps per brand, and the version of them a generation uses."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.request_types import holds_nul

BRAND_NAME_MAX = 40
PRODUCTS_MAX = 20
POINTS_MAX = 8
PROOF_MAX = 8
AUDIENCES_MAX = 8
AVOID_WORDS_MAX = 50
PREFER_WORDS_MAX = 20
ACCOUNTS_MAX = 20

BrandName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BRAND_NAME_MAX)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
ShortLine = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
RowId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Phrases = Annotated[list[Phrase], AfterValidator(_unique)]
Labels = Annotated[list[Label], AfterValidator(_unique)]
Words = Annotated[list[Word], AfterValidator(_unique)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # No database text column stores NUL (the OpenAPI document says so for every string it takes).
        if holds_nul(data):
            raise ValueError("text must not contain NUL (\\x00) characters")
        return data


class Product(_Strict):
    """One product line and what may be said for it."""

    name: Label
    selling_points: Phrases = Field(
        default_factory=list, max_length=POINTS_MAX, description="卖点, most important first"
    )
    proof: Phrases = Field(
        default_factory=list, max_length=PROOF_MAX, description="data and certifications that back it"
    )


class BrandProfile(_Strict):
    """What the operator writes; every update is kept as a new immutable version."""

    name: BrandName
    industry: ShortLine = ""
    products: list[Product] = Field(default_factory=list, max_length=PRODUCTS_MAX)
    proof: Phrases = Field(
        default_factory=list, max_length=PROOF_MAX, description="brand-wide data and certifications"
    )
    price_range: ShortLine = ""
    audiences: Labels = Field(default_factory=list, max_length=AUDIENCES_MAX)
    tone: ShortLine = Field(default="", description="tone of voice, e.g. 专业、亲切")
    avoid_words: Words = Field(
        default_factory=list, max_length=AVOID_WORDS_MAX, description="never in generated text"
    )
    prefer_words: Words = Field(default_factory=list, max_length=PREFER_WORDS_MAX)
    call_to_action: ShortLine = ""
    account_ids: Annotated[list[RowId], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=ACCOUNTS_MAX, description="Douyin accounts the brand posts on"
    )

    @model_validator(mode="after")
    def _consistent(self) -> BrandProfile:
        names = [p.name for p in self.products]
        if len(set(names)) != len(names):
            raise ValueError("product names must be distinct")
        must_say = [self.name, *names, self.call_to_action, *self.prefer_words]
        for product in self.products:
            must_say += product.selling_points + product.proof
        clashes = sorted({w for w in self.avoid_words for text in must_say if w in text})
        if clashes:
            raise ValueError(
                f"avoid_words {clashes} occur in the brand's own name, products, selling points, proof, "
                "call to action or preferred words"
            )
        return self

    def product(self, name: str) -> Product | None:
        return next((p for p in self.products if p.name == name), None)


class BrandQuery(_Strict):
    """A workflow's request for the profile a generation names."""

    tenant_id: str
    brand_id: str
    product: str | None = None


class BrandContext(_Strict):
    """The profile version a generation is written with; agent-center reads only this."""

    brand_id: str
    version: int = Field(ge=1)
    profile: BrandProfile
    product: Product | None = Field(
        default=None, description="the product the request names, else the brand's first"
    )
