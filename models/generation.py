"""Requests and results of agent-center generation (titles, copy, image posts, video scripts)."""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from models.brands import BrandContext, RowId
from models.proven import ProvenPatterns, ProvenPost
from models.request_types import JsonInteger, trim, trimmed_text

Platform = Literal["douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou"]
PLATFORMS: tuple[Platform, ...] = ("douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou")

ScriptType = Literal["product_seeding", "talking_head", "story", "tutorial"]
SCRIPT_TYPES: tuple[ScriptType, ...] = ("product_seeding", "talking_head", "story", "tutorial")

Topic = Annotated[
    str, BeforeValidator(trim), StringConstraints(min_length=2, max_length=200), trimmed_text(2, 200)
]
ShortText = Annotated[str, BeforeValidator(trim), StringConstraints(max_length=60), trimmed_text(0, 60)]
Keyword = Annotated[
    str, BeforeValidator(trim), StringConstraints(min_length=1, max_length=20), trimmed_text(1, 20)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Brief(_Strict):
    """What every generation starts from: the operator's topic and constraints.

    Strict, as JSON reads (it is the BFF's request body): a number sent as text is refused, not converted.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    topic: Topic
    audience: ShortText | None = None
    tone: ShortText | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=10)
    brand_id: RowId | None = Field(default=None, description="write with this brand profile (/api/v1/brands)")
    product: ShortText | None = Field(
        default=None, description="the product to feature; with a brand, one of its products"
    )

    @field_validator("keywords")
    @classmethod
    def _dedupe_keywords(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class TitleRequest(Brief):
    platform: Platform = "douyin"
    count: Annotated[int, Interval(ge=1, le=20), JsonInteger] = 5
    max_length: Annotated[int, Interval(ge=6, le=100), JsonInteger] | None = None
    account_id: RowId | None = Field(
        default=None,
        description="learn hook patterns from this Douyin account's top posts (/api/v1/douyin/accounts)",
    )


class TitleCandidate(_Strict):
    text: str
    formula: str = Field(
        description="title formula used: number, question, contrast, suspense, pain_point, ..."
    )
    length: int
    pattern: str | None = Field(
        default=None, description="the proven hook pattern it follows; null: it follows none of them"
    )
    evidence: ProvenPost | None = Field(default=None, description="the account's post the pattern is from")


class TitleResult(_Strict):
    candidates: list[TitleCandidate] = Field(min_length=1)


class CopyRequest(Brief):
    """One platform's copy; the Copywriting workflow fans out one request per platform."""

    platform: Platform


class PlatformCopy(_Strict):
    platform: Platform
    title: str
    body: str
    hashtags: list[str]


class ImagePostRequest(Brief):
    platform: Platform = "douyin"
    image_count: Annotated[int, Interval(ge=1, le=9), JsonInteger] = 3


class ImageSpec(_Strict):
    description: str = Field(description="what the image shows; the prompt for an image model, never printed")
    caption: str = Field(description="short text placed on or under the image")
    text: str = Field(default="", description="the slide's body text, printed under the caption")


class ImagePostDraft(_Strict):
    platform: Platform
    title: str
    body: str
    hashtags: list[str]
    images: list[ImageSpec]


class VideoScriptRequest(Brief):
    script_type: ScriptType = "talking_head"
    duration_seconds: Annotated[int, Interval(ge=10, le=600), JsonInteger] = 60


class Shot(_Strict):
    index: int = Field(ge=1)
    duration_seconds: float = Field(gt=0)
    shot_size: str = Field(description="特写/近景/中景/全景/远景")
    camera_movement: str = Field(description="固定/推/拉/摇/移/跟/升降")
    visual: str
    on_screen_text: str
    line: str = Field(description="spoken line (口播/旁白)")


class Hook(_Strict):
    text: str
    visual: str
    duration_seconds: float = Field(gt=0, le=3)


class VideoScript(_Strict):
    title: str
    script_type: ScriptType
    hook: Hook
    shots: list[Shot] = Field(min_length=1)
    call_to_action: str
    total_duration_seconds: float


class Branded(BaseModel):
    """What a workflow adds to a request for agent-center: the brand profile version it loaded."""

    brand: BrandContext | None = None


class TitleJob(TitleRequest, Branded):
    proven: ProvenPatterns | None = None


class CopyJob(CopyRequest, Branded):
    pass


class ImagePostJob(ImagePostRequest, Branded):
    pass


class VideoScriptJob(VideoScriptRequest, Branded):
    pass


def proven_of(req: TitleRequest) -> ProvenPatterns | None:
    """The proven patterns a title job carries; a plain request has none."""
    return req.proven if isinstance(req, TitleJob) else None


def brand_of(req: Brief) -> BrandContext | None:
    """The brand a job carries; a plain request (replication, tests) has none."""
    return req.brand if isinstance(req, Branded) else None


class ComplianceFinding(_Strict):
    term: str
    category: Literal["absolute_claim", "diversion", "medical_claim", "sensitive"]
    field: str = Field(description="where it was found, e.g. 'title', 'body', 'shots[2].line'")
    suggestion: str


class ComplianceReport(_Strict):
    passed: bool
    findings: list[ComplianceFinding] = Field(default_factory=list)


class ComplianceRequest(_Strict):
    """Texts to check, keyed by field path (e.g. 'title', 'shots[2].line')."""

    fields: dict[str, str]


class ImageRequest(_Strict):
    """One image of an image post; the workflow fans out one request per image."""

    tenant_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    title: str
    spec: ImageSpec
    index: int = Field(ge=0, le=8, description="0 is the cover, then inner pages")
    platform: Platform


class GeneratedImage(_Strict):
    """An image stored in the media store; only its key travels through workflows."""

    storage_key: str
    mime_type: str
    width: int
    height: int
    size_bytes: int
    source: Literal["image_api", "local_cover"]
    description: str
    caption: str
