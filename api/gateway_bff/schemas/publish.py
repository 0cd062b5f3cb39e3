"""Publishing: what the publish routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody
from models.request_types import WORD_PATTERN


class PublishRequest(RequestBody):
    content_id: str = Field(min_length=1, max_length=36)
    account_ids: list[str] = Field(min_length=1, max_length=20)


class PublishView(BaseModel):
    id: str
    content_id: str
    content_version: int | None = Field(
        description="the version sent (None on publishes from before pinning)"
    )
    occurrence: str = Field(description="the recurring calendar occurrence it stands for; '' outside one")
    account_id: str
    workflow_id: str
    status: str
    status_reason: str | None
    item_id: str | None
    share_url: str | None
    media_type: str
    history: list[dict[str, Any]]
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AccountCheck(BaseModel):
    account_id: str
    problem: str | None = Field(description="why this account cannot publish now; None when it can")
    live_publish_id: str | None = Field(
        default=None, description="the publish that already holds this version on this account, if any"
    )
    live_status: str | None = None


class PublishChecks(BaseModel):
    """What `POST /api/v1/publish` would refuse, read without starting anything."""

    content_id: str
    version: int
    content_problems: list[str] = Field(description="what Douyin would refuse in the content as it is")
    approval_problem: str | None = Field(
        description="why the tenant's policy holds it for approval; None if not"
    )
    accounts: list[AccountCheck]
    ok: bool = Field(description="True when a publish to every account named would start")


class PublishStarted(BaseModel):
    content_id: str
    publishes: list[PublishView]


class ResolvePublished(RequestBody):
    """ "It is live, here is the item": taken once Douyin shows the item on the account."""

    outcome: Literal["published"]
    item_id: str = Field(
        min_length=1,
        max_length=200,
        pattern=WORD_PATTERN,
        description="the Douyin item id (item_id) of the post",
    )
    note: str | None = Field(default=None, max_length=500)


class ResolveNotPublished(RequestBody):
    """ "It is not on Douyin": the publish ends failed, and may start again at once."""

    outcome: Literal["not_published"]
    publish_again: bool = False
    note: str | None = Field(default=None, max_length=500)


ResolveRequest = Annotated[ResolvePublished | ResolveNotPublished, Field(discriminator="outcome")]


class PublishResolved(BaseModel):
    publish: PublishView
    republished: PublishView | None = Field(default=None, description="the new publish, when asked for")
