"""Admin triggers for private messages under `/sandbox/admin/im/`: what customers and the account's people do.

- `POST receive {to_open_id, text?, from_open_id?, conversation_short_id?, image_base64?}`: a customer
  writes (text, or an image: `message_type` "image", no URL in the webhook) → `im_receive_msg`;
- `POST enter {open_id, from_open_id?, conversation_short_id?}`: a customer opens the chat page →
  `im_enter_direct_msg` (content a JSON string) whose `server_message_id` anchors a greeting;
- `POST app_reply {open_id, text, conversation_short_id? | to_open_id?}`: a person of the account answers
  in the Douyin app → `im_send_msg` with an empty `source`;
- `POST card_submit {to_open_id, card_id, card_data: [{label, value}], from_open_id?, conversation_short_id?}`:
  a customer submits the account's retain-consult card → `im_receive_msg`, `message_type` "other" with
  `card_id, card_status 1, card_data`;
- `POST fan_action {event: new_video_digg | new_follow_action, open_id, from_open_id?, item_id?}`: a user likes
  one of the account's videos or follows it → the event (content a JSON string), `from_user_id` the fan,
  `to_user_id` the account;
- `POST authorize {open_id, customer_open_id}`: the customer allows proactive messages
  (`im_authorize_message`), as the platform's authorisation card would;
- `GET messages?conversation_id=`: every message of the conversation, both directions, oldest first.
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from typing import Any, Literal

import anyio
from fastapi import APIRouter, HTTPException
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel

from douyin_sandbox import ids, im
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.users import DEFAULT_CUSTOMER, USERS_BY_OPEN_ID

router = APIRouter(prefix="/sandbox/admin/im", tags=["sandbox-admin"])


class ImReceiveBody(BaseModel):
    to_open_id: str
    text: str = ""
    from_open_id: str = DEFAULT_CUSTOMER.open_id
    conversation_short_id: str | None = None
    image_base64: str | None = None  # an image message instead of text


class ImEnterBody(BaseModel):
    open_id: str  # the account whose chat page the customer opens
    from_open_id: str = DEFAULT_CUSTOMER.open_id
    conversation_short_id: str | None = None


class AppReplyBody(BaseModel):
    open_id: str
    text: str
    conversation_short_id: str | None = None
    to_open_id: str = DEFAULT_CUSTOMER.open_id


class CardSubmitBody(BaseModel):
    to_open_id: str
    card_id: str
    card_data: list[dict[str, str]]
    from_open_id: str = DEFAULT_CUSTOMER.open_id
    conversation_short_id: str | None = None


class FanActionBody(BaseModel):
    event: Literal["new_video_digg", "new_follow_action"]
    open_id: str  # the account liked or followed
    from_open_id: str = DEFAULT_CUSTOMER.open_id
    item_id: str | None = None


class AuthorizeBody(BaseModel):
    open_id: str
    customer_open_id: str = DEFAULT_CUSTOMER.open_id


def _account(open_id: str) -> None:
    if open_id not in USERS_BY_OPEN_ID:
        raise HTTPException(404, f"unknown open_id {open_id}")


def _image(encoded: str) -> tuple[bytes, tuple[int, int]]:
    try:
        data = base64.b64decode(encoded, validate=True)
        with Image.open(io.BytesIO(data)) as image:
            return data, image.size
    except (binascii.Error, UnidentifiedImageError, OSError) as exc:
        raise HTTPException(400, "image_base64 is not a base64-encoded image") from exc


async def _image_fields(runtime: SandboxRuntime, encoded: str) -> dict[str, Any]:
    data, (width, height) = _image(encoded)
    path = runtime.store.upload_dir("im") / uuid.uuid4().hex
    await anyio.to_thread.run_sync(path.write_bytes, data)
    return {"resource_path": str(path), "resource_width": width, "resource_height": height}


@router.post("/receive")
async def im_receive(body: ImReceiveBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A customer sends the authorised account a private message (`im_receive_msg` webhook)."""
    _account(body.to_open_id)
    if not body.text and not body.image_base64:
        raise HTTPException(400, "give text or image_base64")
    conversation = im.named_conversation(
        runtime, body.to_open_id, body.from_open_id, body.conversation_short_id
    )
    if body.image_base64:
        fields = {"message_type": "image"} | await _image_fields(runtime, body.image_base64)
    else:
        fields = {"message_type": "text", "text": body.text}
    message = im.record(runtime, im.new_message(runtime, conversation, sent=False, **fields))
    await runtime.store.save()
    msg_id = im.emit_message(runtime, message)
    return {"msg_id": msg_id, "content": im.webhook_content(message)}


@router.post("/enter")
async def im_enter(body: ImEnterBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A customer opens the account's chat page (`im_enter_direct_msg`, content a JSON string)."""
    _account(body.open_id)
    conversation = im.named_conversation(runtime, body.open_id, body.from_open_id, body.conversation_short_id)
    entered, msg_id = im.enter(runtime, conversation)
    await runtime.store.save()
    return {
        "msg_id": msg_id,
        "conversation_short_id": conversation.conversation_id,
        "server_message_id": entered.server_message_id,
    }


@router.post("/app_reply")
async def app_reply(body: AppReplyBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A person of the account answers in the Douyin app: stored, echoed as `im_send_msg`, no `source`."""
    _account(body.open_id)
    conversation = im.named_conversation(runtime, body.open_id, body.to_open_id, body.conversation_short_id)
    message = im.record(
        runtime, im.new_message(runtime, conversation, sent=True, message_type="text", text=body.text)
    )
    await runtime.store.save()
    msg_id = im.emit_message(runtime, message)
    return {"msg_id": msg_id, "content": im.webhook_content(message)}


@router.post("/card_submit")
async def card_submit(body: CardSubmitBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A customer submits the account's retain-consult card (`im_receive_msg` with `card_data`)."""
    _account(body.to_open_id)
    conversation = im.named_conversation(
        runtime, body.to_open_id, body.from_open_id, body.conversation_short_id
    )
    card: dict[str, Any] = {"card_id": body.card_id, "card_data": body.card_data}
    message = im.record(
        runtime, im.new_message(runtime, conversation, sent=False, message_type="other", **card)
    )
    await runtime.store.save()
    msg_id = im.emit_message(runtime, message)
    return {"msg_id": msg_id, "content": im.webhook_content(message)}


@router.post("/fan_action")
async def fan_action(body: FanActionBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A user likes one of the account's videos or follows the account."""
    _account(body.open_id)
    content: dict[str, Any] = {"action_type": 1, "action_time": int(runtime.now())}
    if body.event == "new_video_digg":
        content["item_id"] = body.item_id or ids.opaque_at_id()
    msg_id = runtime.webhooks.emit(
        body.event, content, from_user_id=body.from_open_id, to_user_id=body.open_id
    )
    return {"msg_id": msg_id, "content": content}


@router.post("/authorize")
async def authorize(body: AuthorizeBody, runtime: RuntimeDep) -> dict[str, list[str]]:
    """The customer allows the account's proactive messages."""
    _account(body.open_id)
    allowed = runtime.store.state.im_authorized.setdefault(body.open_id, [])
    if body.customer_open_id not in allowed:
        allowed.append(body.customer_open_id)
    await runtime.store.save()
    return {"authorized": allowed}


@router.get("/messages")
async def messages(runtime: RuntimeDep, conversation_id: str) -> list[dict[str, Any]]:
    """Every message of the conversation, both directions, oldest first."""
    found = [m for m in runtime.store.state.im_messages.values() if m.conversation_id == conversation_id]
    return [im.view(message) for message in sorted(found, key=lambda m: m.seq)]
