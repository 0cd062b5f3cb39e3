"""Group-robot webhooks (seed 16): what the webhook routes take and answer. The secret is never answered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.gateway_bff.schemas.request_body import RequestBody
from models.notifications import WebhookKind

NotificationKind = Annotated[str, StringConstraints(min_length=1, max_length=40)]
_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# The robot's address as the group shows it: a host name or IPv4 address, an optional port, a path (ASCII).
WebhookUrl = Annotated[
    str,
    StringConstraints(
        min_length=8, max_length=1000, pattern=rf"^https?://[A-Za-z0-9.-]+(:{_PORT})?(/[!-~]*)?$"
    ),
]


class NewWebhook(RequestBody):
    kind: WebhookKind
    url: WebhookUrl = Field(description="https, on a public address")
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


class WebhookChange(RequestBody):
    url: WebhookUrl | None = None
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
