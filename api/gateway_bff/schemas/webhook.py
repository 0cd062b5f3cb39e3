"""Douyin webhooks: what the webhook route answers Douyin."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class WebhookChallenge(BaseModel):
    """The `verify_webhook` handshake: the challenge echoed as sent."""

    challenge: Any = Field(description="the event's `content.challenge` (Douyin sends a number)")


class WebhookReceived(BaseModel):
    status: Literal["accepted", "duplicate", "stale"] = Field(
        description="duplicate: this Msg-Id (or this very event) came before; stale: sent longer ago than "
        "the platform retries, dropped"
    )
    msg_id: str
