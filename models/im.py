"""Private messages (私信) on Douyin as the conversation workflows and the connector exchange them.

Douyin delivers customer messages only by webhook; a reply goes out through `POST /im/send/msg/` naming the
customer message it answers (`server_message_id`, valid 24 hours) and the long-lived conversation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from models.douyin_accounts import AccountRef

# `im_replay_msg` (sic) is the documented reply scene; `im_enter_direct_msg` greets a customer who opened the
# chat; `im_authorize_message` is the proactive scene (authorised users only, once a day, at most 3 items).
ImScene = Literal["im_replay_msg", "im_enter_direct_msg", "im_authorize_message"]


class ImSend(BaseModel):
    """One message from a bound enterprise account to a customer: text (msg_type 1), an uploaded image (2), a
    published item (3) or a retain-consult card (8)."""

    account: AccountRef
    to_open_id: str = Field(description="the customer's open_id")
    conversation_id: str = Field(description="Douyin's conversation_short_id")
    reply_to_msg_id: str | None = Field(
        default=None, description="the customer's server_message_id this answers (valid 24 h)"
    )
    scene: ImScene = "im_replay_msg"
    text: str | None = None
    card_id: str | None = Field(default=None, description="a retain-consult card (留资卡片), msg_type 8")
    media_id: str | None = Field(default=None, description="an image uploaded for IM, msg_type 2")
    item_id: str | None = Field(default=None, description="a published item, msg_type 3")


class ImSent(BaseModel):
    """Douyin's id of the message sent (its echo, `im_send_msg`, carries the same id)."""

    msg_id: str


class ImResource(BaseModel):
    """An image a customer sent: its webhook names the message, not a URL."""

    account: AccountRef
    conversation_id: str
    message_id: str


class StoredImResource(BaseModel):
    """The image, kept in the tenant's media store."""

    storage_key: str
    mime_type: str
    size_bytes: int
