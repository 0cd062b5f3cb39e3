"""Publishing contracts (seed 5): the workflow's input and result and what its activities exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.content import Actor
from models.douyin_accounts import AccountRef

PublishStatus = Literal["publishing", "under_review", "published", "rejected", "failed", "unconfirmed"]
FINAL_STATUSES: frozenset[str] = frozenset({"published", "rejected", "failed", "unconfirmed"})
# A publish in one of these holds its business key: the same content version may not go again.
LIVE_STATUSES: frozenset[str] = frozenset({"publishing", "under_review", "published", "unconfirmed"})
MediaType = Literal["image_text", "video"]
# History events read beyond the workflow: a create whose outcome stayed unknown, an operator's settlement.
UNKNOWN_CREATE = "create_outcome_unknown"
RESOLVED = "resolved"
SWEEPER = "sweeper"


class PublishInput(BaseModel):
    """One content to one account; review polling is tunable so tests and benchmarks need not wait."""

    actor: Actor
    content_id: str
    account_id: str
    # The version sent, pinned when the publish is asked for (None: runs from before pinning).
    content_version: int | None = None
    occurrence: str = Field(default="", description="the recurring calendar occurrence; '' outside one")
    review_poll_seconds: float = Field(default=5.0, ge=1, le=300)
    review_max_polls: int = Field(default=120, ge=1, le=10_000)
    # After a create whose outcome is unknown, how long the account's item list is watched for the item
    # (an in-flight create may still land, and Douyin may list a new item late) before it counts as not made.
    reconcile_window_seconds: float = Field(default=180.0, ge=1, le=3600)


class PublishResult(BaseModel):
    publish_id: str
    status: PublishStatus
    reason: str | None = None
    item_id: str | None = None
    share_url: str | None = None


class DraftQuery(BaseModel):
    tenant_id: str
    content_id: str
    version: int | None = Field(default=None, description="the pinned version; None: the current one")


class PublishDraft(BaseModel):
    """What content-center hands the workflow: the post as Douyin will see it, or why it cannot go."""

    content_id: str
    media_type: MediaType
    text: str
    video_key: str | None = None
    image_keys: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class PublishEvent(BaseModel):
    """One state change written back to content-center; `seq` makes a retried write a no-op."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    publish_id: str
    workflow_id: str
    content_id: str
    account_id: str
    created_by: str
    seq: int
    content_version: int | None = None
    occurrence: str = ""
    status: PublishStatus
    event: str
    at: datetime
    reason: str | None = None
    item_id: str | None = None
    share_url: str | None = None
    media_type: MediaType | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class UploadImage(BaseModel):
    account: AccountRef
    storage_key: str


class UploadVideo(BaseModel):
    account: AccountRef
    storage_key: str


class UploadedMedia(BaseModel):
    media_id: str


class CreateItem(BaseModel):
    account: AccountRef
    media_type: MediaType
    text: str
    video_id: str | None = None
    image_ids: list[str] = Field(default_factory=list)


class CreatedItem(BaseModel):
    item_id: str


class FindItem(BaseModel):
    """Look for the item an unknown create may have made: same text and kind, created in the window."""

    account: AccountRef
    media_type: MediaType
    text: str
    created_after: int = Field(description="unix seconds; items older than this are not ours")
    exclude_item_ids: list[str] = Field(default_factory=list, description="items other publishes own")


class ItemMatch(BaseModel):
    item_id: str
    create_time: int = Field(description="unix seconds, Douyin's clock")


class FoundItem(BaseModel):
    """`item_id` when exactly one candidate matched; `ambiguous` when several did; every match with its time."""

    item_id: str | None = None
    ambiguous: bool = False
    candidates: int = 0
    matches: list[ItemMatch] = Field(default_factory=list)


class PublishKey(BaseModel):
    """A publish's business key, and the run asking (whose own row is not an earlier attempt)."""

    tenant_id: str
    content_id: str
    account_id: str
    occurrence: str = ""
    publish_id: str


class EarlierAttempts(BaseModel):
    """Earlier runs of this key whose create may have made an item nobody recorded.

    `since` is when the first of them started (None when there are none); an operator who settled one
    as "not on Douyin" takes it off the list.
    """

    since: datetime | None = None
    publish_ids: list[str] = Field(default_factory=list)
    texts: list[str] = Field(
        default_factory=list, description="texts their unknown creates sent, where they recorded them"
    )


class ReviewQuery(BaseModel):
    account: AccountRef
    item_id: str


class ReviewState(BaseModel):
    found: bool
    is_reviewed: bool = False
    video_status: int = 0
    share_url: str | None = None

    @property
    def published(self) -> bool:
        return self.found and self.video_status in (1, 5, 6, 7)

    @property
    def rejected(self) -> bool:
        return self.found and self.is_reviewed and self.video_status == 2


class ClaimedItems(BaseModel):
    item_ids: list[str] = Field(default_factory=list)


# -- settling publishes after their run: the sweeper and the operator ----------------------------------


class SweepInput(BaseModel):
    """What a sweep settles: every tenant's stale publishes, or the named publishes of one tenant now."""

    tenant_id: str | None = None
    publish_ids: list[str] = Field(default_factory=list, max_length=200)
    stale_after_seconds: float = Field(default=1800, ge=0, le=30 * 86400)
    limit: int = Field(default=200, ge=1, le=1000)
    # An operator's "it is live, here is the item": taken only once Douyin shows it on the account.
    named_items: dict[str, str] = Field(default_factory=dict, description="publish id → Douyin item id")
    by: str = Field(default=SWEEPER, description="who settles: the sweeper or the operator's user id")


class StalePublish(BaseModel):
    """A publish left `under_review` or `unconfirmed`, with what Douyin's list needs to settle it."""

    tenant_id: str
    publish_id: str
    account_id: str
    status: PublishStatus
    item_id: str | None = None
    media_type: MediaType = "image_text"
    text: str = ""
    attempts: list[datetime] = Field(
        default_factory=list, description="when each create of unknown outcome was sent"
    )


class StalePublishes(BaseModel):
    publishes: list[StalePublish] = Field(default_factory=list)


class Settlement(BaseModel):
    """A publish settled after its run (`status` None: looked at, nothing changed)."""

    tenant_id: str
    publish_id: str
    at: datetime
    status: PublishStatus | None = None
    reason: str | None = None
    item_id: str | None = None
    share_url: str | None = None
    by: str = Field(default=SWEEPER, description="the sweeper, or the user who settled it")


class SweepResult(BaseModel):
    checked: int = 0
    settled: dict[str, int] = Field(default_factory=dict, description="publishes settled, by new status")
    left: list[str] = Field(default_factory=list, description="publishes Douyin could not settle yet")
