"""Douyin webhooks: what the webhook route answers Douyin."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class WebhookChallenge(BaseModel):
    """The `verify_webhook` handshake: the challenge echoed as sent."""

    challenge: Any = Field(description="the event's `content.challenge` (Douyin sends a number)")


class WebhookReceived(BaseModel):
    status: Literal["accepted", "duplicate"] = Field(description="duplicate: this Msg-Id came before")
    msg_id: str
