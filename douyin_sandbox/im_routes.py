"""Private messages, platform side: send (`/im/send/msg/`), recall, and a received image's bytes.

Checks of `/im/send/msg/` in the order the sandbox makes them; codes the docs do not name are [inf]:

1. faults (latency, busy, rate limit), token, open_id and scope `im.direct_message` (28001012), as elsewhere;
2. the account is an enterprise account (`e_account_role` set, users.py), else 28001007 [inf];
3. the body: scene, content shape (msg_type 1 text `{text}`, 2 image `{media_id}` of an image this account
   uploaded through `/tool/imagex/client_upload/`, 3 video `{item_id}` of an item this account published,
   8 retain-consult card `{card_id}`; other types are refused here), conversation of this account with
   `to_user_id`;
4. reply scenes (`im_replay_msg`, sic, and `im_reply_msg` which some code uses) and the greeting scene
   (`im_enter_direct_msg`) need `msg_id`: a customer message or enter event of that conversation, at most
   `im_reply_window` (24 h) old on the sandbox clock. Unknown: 28001007; too old: 28001007 with
   `extra.sub_error_code` IM_REPLY_WINDOW_CLOSED, so a client can tell the two apart by code [inf];
5. the proactive scene (`im_authorize_message`, `content` or a `content_list` of at most 3) goes only to
   customers who authorised it (else 28001007 [inf]), at most `im_proactive_daily_limit` messages per
   customer per Beijing day (28003017 [inf]);
6. at most `im_conversation_max_sends` API sends per conversation within `im_conversation_window`
   seconds (28003018 [inf]; the real per-conversation limit is unknown).

Faults apply as to publishing: latency, busy and rate-limit refusals before any work, `drop_before_work`
under the name "send_msg", and a reply lost after the message was stored and echoed (`fail_after_commit_*`).

The reply carries the id in `data.msg_id`, at the top level, or both (config `im_msg_id_placement`: the doc
sample and its SDK model disagree). Each sent message is stored and echoed as `im_send_msg`.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from douyin_sandbox import envelopes, ids, im
from douyin_sandbox.auth import PARAM_INVALID, Caller, user_with_scope
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.faults import RATE_LIMITED, DroppedResponse
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import ImConversation, Media
from douyin_sandbox.users import USERS_BY_OPEN_ID
from douyin_sandbox.video_routes import image_size, json_body, receive_upload

logger = logging.getLogger(__name__)
router = APIRouter()

QUOTA_EXHAUSTED = 28003017
# [inf] The sub code of a reply whose msg_id is past the 24 h window (the platform's own code is unknown).
IM_REPLY_WINDOW_CLOSED = 28001107
REPLY_SCENES = frozenset({"im_replay_msg", "im_reply_msg"})
GREETING_SCENE = "im_enter_direct_msg"
PROACTIVE_SCENE = "im_authorize_message"
MAX_CONTENT_LIST = 3
IM_IMAGE_MAX_BYTES = 10 * 1024**2
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}

Messenger = Annotated[Caller, Depends(user_with_scope("im.direct_message"))]


class SendBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    msg_id: str = ""
    conversation_id: str = ""
    to_user_id: str = Field(min_length=1)
    scene: str = "im_replay_msg"
    content: dict[str, Any] | None = None
    content_list: list[dict[str, Any]] | None = None


class RecallBody(BaseModel):
    conversation_id: str = Field(min_length=1)
    conversation_type: int = 1
    msg_id: str = Field(min_length=1)


def _refuse(description: str) -> SandboxApiError:
    return SandboxApiError(PARAM_INVALID, description)


def _enterprise(caller: Caller) -> None:
    user = USERS_BY_OPEN_ID.get(caller.open_id)
    if user is None or not user.e_account_role:
        raise _refuse("该账号不是企业号，无法使用私信能力")


def _parsed(content: dict[str, Any]) -> dict[str, Any]:
    """A send's `content` as the fields of a stored message."""
    msg_type = content.get("msg_type")
    if msg_type == 1:
        body = content.get("text")
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise _refuse("文本消息需要content.text.text")
        return {"message_type": "text", "text": text}
    if msg_type == 2:
        image = content.get("image")
        media_id = image.get("media_id") if isinstance(image, dict) else content.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise _refuse("图片消息需要media_id")
        return {"message_type": "image", "media_id": media_id}
    if msg_type == 3:
        video = content.get("video")
        item_id = video.get("item_id") if isinstance(video, dict) else content.get("item_id")
        if not isinstance(item_id, str) or not item_id:
            raise _refuse("视频消息需要item_id")
        return {"message_type": "video", "item_id": item_id}
    if msg_type == 8:
        card = content.get("card")
        card_id = card.get("card_id") if isinstance(card, dict) else content.get("card_id")
        if not isinstance(card_id, str) or not card_id:
            raise _refuse("留资卡片消息需要card_id")
        return {"message_type": "other", "card_id": card_id}
    raise _refuse(f"沙盒暂不支持的msg_type: {msg_type}")


def _contents(body: SendBody) -> list[dict[str, Any]]:
    if body.content_list is not None:
        if body.scene != PROACTIVE_SCENE or not 1 <= len(body.content_list) <= MAX_CONTENT_LIST:
            raise _refuse(f"content_list仅用于主动私信，且为1-{MAX_CONTENT_LIST}条")
        return [_parsed(content) for content in body.content_list]
    if body.content is None:
        raise _refuse("content不能为空")
    return [_parsed(body.content)]


def _check_references(runtime: SandboxRuntime, caller: Caller, contents: list[dict[str, Any]]) -> None:
    """An image names an upload of this account for IM; a video names an item this account published."""
    state = runtime.store.state
    for fields in contents:
        if fields["message_type"] == "image":
            media = state.media.get(fields["media_id"])
            if media is None or media.kind != "im_image" or media.open_id != caller.open_id:
                raise _refuse("media_id无效：请先通过图片上传接口上传")
        if fields["message_type"] == "video":
            item = state.items.get(fields["item_id"])
            if item is None or item.open_id != caller.open_id:
                raise _refuse("item_id无效：不是该账号发布的视频")


def _conversation(runtime: SandboxRuntime, caller: Caller, body: SendBody) -> ImConversation:
    if not body.conversation_id and body.scene == PROACTIVE_SCENE:
        return im.conversation_for(runtime, caller.open_id, body.to_user_id)
    conversation = runtime.store.state.im_conversations.get(body.conversation_id)
    if (
        conversation is None
        or conversation.account_open_id != caller.open_id
        or conversation.customer_open_id != body.to_user_id
    ):
        raise _refuse("conversation_id无效或与to_user_id不符")
    return conversation


def _check_anchor(runtime: SandboxRuntime, conversation: ImConversation, msg_id: str) -> None:
    """A reply or greeting answers a customer message or enter event of this conversation, in time."""
    state = runtime.store.state
    message = state.im_messages.get(msg_id)
    entered = state.im_enters.get(msg_id)
    if message is not None and message.direction == "received":
        anchor = (message.conversation_id, message.created_at)
    elif entered is not None:
        anchor = (entered.conversation_id, entered.created_at)
    else:
        raise _refuse("msg_id无效：不是该会话中用户发来的消息")
    conversation_id, at = anchor
    if conversation_id != conversation.conversation_id:
        raise _refuse("msg_id不属于该会话")
    if at + runtime.config.im_reply_window <= runtime.now():
        raise SandboxApiError(
            PARAM_INVALID, "msg_id已过期（超过24小时），无法回复", sub_code=IM_REPLY_WINDOW_CLOSED
        )


def _check_proactive(runtime: SandboxRuntime, conversation: ImConversation, count: int) -> None:
    account, customer = conversation.account_open_id, conversation.customer_open_id
    if customer not in runtime.store.state.im_authorized.get(account, []):
        raise _refuse("该用户未授权接收主动私信")
    today = im.beijing_day(runtime.now())
    sent_today = sum(
        1
        for m in runtime.store.state.im_messages.values()
        if m.scene == PROACTIVE_SCENE
        and m.from_open_id == account
        and m.to_open_id == customer
        and im.beijing_day(m.created_at) == today
    )
    if sent_today + count > runtime.config.im_proactive_daily_limit:
        raise SandboxApiError(QUOTA_EXHAUSTED, "今日对该用户的主动私信次数已用完")


def _check_frequency(runtime: SandboxRuntime, conversation: ImConversation, count: int) -> None:
    since = runtime.now() - runtime.config.im_conversation_window
    recent = sum(
        1
        for m in runtime.store.state.im_messages.values()
        if m.conversation_id == conversation.conversation_id and m.source and m.created_at > since
    )
    if recent + count > runtime.config.im_conversation_max_sends:
        raise SandboxApiError(RATE_LIMITED, "该会话发送频率过高")


def _reply(runtime: SandboxRuntime, msg_id: str) -> dict[str, Any]:
    placement = runtime.config.im_msg_id_placement
    body = envelopes.classic_ok({} if placement == "top" else {"msg_id": msg_id}, now=runtime.now())
    return body | ({"msg_id": msg_id} if placement in ("top", "both") else {})


@router.post("/im/send/msg/")
async def send_msg(request: Request, caller: Messenger, runtime: RuntimeDep) -> Response:
    """Send one message (or a proactive `content_list`) from the authorised account to a customer."""
    if runtime.faults.dropped_before_work("send_msg"):
        return DroppedResponse()
    _enterprise(caller)
    body = await json_body(request, SendBody)
    if body.scene not in REPLY_SCENES | {GREETING_SCENE, PROACTIVE_SCENE}:
        raise _refuse(f"不支持的scene: {body.scene}")
    contents = _contents(body)
    _check_references(runtime, caller, contents)
    conversation = _conversation(runtime, caller, body)
    if body.scene == PROACTIVE_SCENE:
        _check_proactive(runtime, conversation, len(contents))
    else:
        _check_anchor(runtime, conversation, body.msg_id)
    _check_frequency(runtime, conversation, len(contents))
    source, reply_to = runtime.config.client_key, body.msg_id or None
    sent = [
        im.record(
            runtime,
            im.new_message(
                runtime, conversation, sent=True, scene=body.scene, source=source, reply_to=reply_to, **fields
            ),
        )
        for fields in contents
    ]
    await runtime.store.save()
    for message in sent:
        im.emit_message(runtime, message)
    logger.info("sent %d private message(s) for open_id %s (%s)", len(sent), caller.open_id, body.scene)
    return await runtime.faults.after_commit(JSONResponse(_reply(runtime, sent[0].server_message_id)))


@router.post("/im/recall/msg/")
async def recall_msg(request: Request, caller: Messenger, runtime: RuntimeDep) -> dict[str, Any]:
    """Recall a message the account sent [inf: no time limit is enforced, no recall webhook is sent]."""
    body = await json_body(request, RecallBody)
    message = runtime.store.state.im_messages.get(body.msg_id)
    if (
        message is None
        or message.direction != "sent"
        or message.from_open_id != caller.open_id
        or message.conversation_id != body.conversation_id
    ):
        raise _refuse("msg_id无效：不是该会话中本账号发出的消息")
    message.recalled = True
    await runtime.store.save()
    return envelopes.classic_ok({}, now=runtime.now())


@router.post("/tool/imagex/client_upload/")
async def upload_im_image(request: Request, caller: Messenger, runtime: RuntimeDep) -> dict[str, Any]:
    """An image for a private message (multipart `image`, JPEG/PNG/BMP/WebP up to 10 MB); its id is the
    `media_id` of msg_type 2. [inf] The docs name a client token; the sandbox takes the account's token, whose
    open_id owns the upload."""
    dest = runtime.store.upload_dir("im_images") / uuid.uuid4().hex
    received = await receive_upload(request, "image", dest, IM_IMAGE_MAX_BYTES)
    size = await anyio.to_thread.run_sync(image_size, dest)
    if size is None:
        await anyio.to_thread.run_sync(lambda: dest.unlink(missing_ok=True))
        raise _refuse("图片格式不支持")
    media_id = ids.opaque_at_id(40)
    runtime.store.state.media[media_id] = Media(
        open_id=caller.open_id,
        kind="im_image",
        path=str(dest),
        size=received.size,
        width=size[0],
        height=size[1],
        created_at=runtime.now(),
    )
    await runtime.store.save()
    return envelopes.classic_ok(
        {"image": {"media_id": media_id, "width": size[0], "height": size[1]}}, now=runtime.now()
    )


def _media_type(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    return next((kind for magic, kind in IMAGE_TYPES.items() if head.startswith(magic)), "image/webp")


@router.get("/api/im/message/resources/")
async def message_resource(request: Request, caller: Messenger, runtime: RuntimeDep) -> Response:
    """The bytes of an image a customer sent (webhooks carry none) [inf: the body is the image itself]."""
    params = request.query_params
    message = runtime.store.state.im_messages.get(params.get("message_id") or "")
    conversation = runtime.store.state.im_conversations.get(params.get("conversation_id") or "")
    if (
        message is None
        or conversation is None
        or conversation.account_open_id != caller.open_id
        or message.conversation_id != conversation.conversation_id
        or not message.resource_path
    ):
        raise _refuse("message_id无效或没有可下载的资源")
    path = Path(message.resource_path)
    content = await anyio.to_thread.run_sync(path.read_bytes)
    return Response(content, media_type=await anyio.to_thread.run_sync(_media_type, path))
