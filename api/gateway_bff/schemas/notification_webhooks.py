"""Group-robot webhooks (seed 16): what the webhook routes take and answer. The secret is never answered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from models.notifications import WebhookKind

NotificationKind = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class NewWebhook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: WebhookKind
    url: str = Field(min_length=8, max_length=1000, description="https, on a public address")
    secret: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the robot's signing secret (Feishu, DingTalk)",
    )
    kinds: list[NotificationKind] = Field(
        default_factory=list,
        max_length=50,
        description="notification kinds it receives (e.g. task_overdue, customer_intent); empty: all",
    )
    enabled: bool = True


class WebhookChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=8, max_length=1000)
    secret: str | None = Field(default=None, max_length=200, description="empty string: remove the secret")
    kinds: list[NotificationKind] | None = Field(default=None, max_length=50)
    enabled: bool | None = None


class WebhookView(BaseModel):
    id: str
    kind: WebhookKind
    url: str
    has_secret: bool
    kinds: list[str]
    enabled: bool
    last_posted_at: datetime | None
    last_error: str | None
    created_at: datetime
