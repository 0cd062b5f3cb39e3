"""Notifications addressed to people (seed 16): in-app with a read mark per person, and the tenant's group-robot
webhooks (WeCom, Feishu, DingTalk) fed in digests, so a burst becomes one message."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Audience = Literal["admins", "reviewers", "agents"]
WebhookKind = Literal["wecom", "feishu", "dingtalk"]


class NewNotification(BaseModel):
    """A notification to write: to the users named, else to everyone of the audience (resolved to users when it
    is written), else to everyone of the tenant."""

    tenant_id: str
    kind: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    link: str = ""
    object_id: str | None = None
    recipient_user_ids: list[str] | None = None
    audience: Audience | None = None


class NotificationItem(BaseModel):
    """One notification as a webhook digest carries it."""

    id: str
    kind: str
    title: str
    body: str = ""
    link: str = ""


class DigestInput(BaseModel):
    """A webhook's digest run: it collects notifications for `window_seconds`, then posts them as one."""

    tenant_id: str
    webhook_id: str
    window_seconds: float = Field(ge=0)


class DigestPost(BaseModel):
    tenant_id: str
    webhook_id: str
    items: list[NotificationItem]


class DigestPosted(BaseModel):
    posted: bool
    status_code: int | None = None
    reason: str | None = None
