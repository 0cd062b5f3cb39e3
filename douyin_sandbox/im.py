"""Private-message state shared by the platform routes (im_routes.py) and the admin triggers (im_admin.py).

Every message, either direction, is stored per conversation; each one the account sends or receives is
echoed by webhook the way the platform does it (douyin-openapi.md 6.2, 7):

- `im_receive_msg`: a customer wrote to the account;
- `im_send_msg`: the account sent, through the API (`source` = the app's client_key) or in the Douyin app
  (`source` empty);
- `im_enter_direct_msg`: a customer opened the chat page; its `content` is a JSON-encoded string.

Images carry no URL in webhooks; `GET /api/im/message/resources/` hands out the bytes.
"""

from __future__ import annotations

import time
from typing import Any

from douyin_sandbox import ids
from douyin_sandbox.runtime import SandboxRuntime
from douyin_sandbox.store import ImConversation, ImEnter, ImMessage, ImMessageType
from douyin_sandbox.users import USERS_BY_OPEN_ID

# The numeric msg_type of /im/send/msg/ per webhook message_type (a card is "other" with a card_id).
MSG_TYPE_CODES = {"text": 1, "image": 2, "video": 3, "other": 8}
# The platform stamps its days in Beijing time.
BEIJING_OFFSET_SECONDS = ids.BEIJING_OFFSET_SECONDS


def conversation_for(runtime: SandboxRuntime, account: str, customer: str) -> ImConversation:
    """The account's one conversation with `customer`, opened on first contact."""
    conversations = runtime.store.state.im_conversations
    for conversation in conversations.values():
        if conversation.account_open_id == account and conversation.customer_open_id == customer:
            return conversation
    conversation = ImConversation(
        conversation_id=ids.opaque_at_id(32), account_open_id=account, customer_open_id=customer
    )
    conversations[conversation.conversation_id] = conversation
    return conversation


def named_conversation(
    runtime: SandboxRuntime, account: str, customer: str, conversation_id: str | None
) -> ImConversation:
    """`conversation_id` when given (adopted if new, as a test may name its own), else the pair's one."""
    if not conversation_id:
        return conversation_for(runtime, account, customer)
    conversations = runtime.store.state.im_conversations
    conversation = conversations.get(conversation_id)
    if conversation is None:
        conversation = ImConversation(
            conversation_id=conversation_id, account_open_id=account, customer_open_id=customer
        )
        conversations[conversation_id] = conversation
    return conversation


def record(runtime: SandboxRuntime, message: ImMessage) -> ImMessage:
    runtime.store.state.im_messages[message.server_message_id] = message
    return message


def new_message(
    runtime: SandboxRuntime,
    conversation: ImConversation,
    *,
    sent: bool,
    message_type: ImMessageType,
    **fields: Any,
) -> ImMessage:
    """A message of `conversation` at the sandbox's now, sent by the account or received from the customer."""
    account, customer = conversation.account_open_id, conversation.customer_open_id
    return ImMessage(
        server_message_id=ids.opaque_at_id(32),
        conversation_id=conversation.conversation_id,
        from_open_id=account if sent else customer,
        to_open_id=customer if sent else account,
        direction="sent" if sent else "received",
        message_type=message_type,
        created_at=runtime.now(),
        seq=runtime.store.next_seq(),
        **fields,
    )


def _user_info(open_id: str) -> dict[str, str]:
    user = USERS_BY_OPEN_ID.get(open_id)
    nickname, avatar = (user.nickname, user.avatar) if user else ("抖音用户", "")
    return {"open_id": open_id, "nick_name": nickname, "avatar": avatar}


def webhook_content(message: ImMessage) -> dict[str, Any]:
    """The `content` of `im_receive_msg` / `im_send_msg`. [inf] `user_infos` names the customer; a card is
    `message_type` "other" with `card_id, card_status, card_data` (the documented types have no "card")."""
    customer = message.from_open_id if message.direction == "received" else message.to_open_id
    content: dict[str, Any] = {
        "conversation_short_id": message.conversation_id,
        "server_message_id": message.server_message_id,
        "conversation_type": 1,
        "create_time": int(message.created_at * 1000),
        "message_type": message.message_type,
        "source": message.source,
        "scene_type": 100,
        "text": message.text,
        "user_infos": [_user_info(customer)],
    }
    if message.card_id is not None:
        submitted = 1 if message.card_data else 0
        content |= {"card_id": message.card_id, "card_status": submitted, "card_data": message.card_data}
    if message.message_type == "video" and message.item_id:
        content |= {"item_id": message.item_id}
    if message.message_type == "image":
        # No URL: the receiver fetches the bytes through /api/im/message/resources/.
        content |= {
            "resource_type": "image",
            "resource_width": message.resource_width,
            "resource_height": message.resource_height,
        }
    return content


def emit_message(runtime: SandboxRuntime, message: ImMessage) -> str:
    """The webhook of a stored message: `im_receive_msg` or the `im_send_msg` echo; returns its Msg-Id."""
    event = "im_receive_msg" if message.direction == "received" else "im_send_msg"
    return runtime.webhooks.emit(
        event, webhook_content(message), from_user_id=message.from_open_id, to_user_id=message.to_open_id
    )


def enter(runtime: SandboxRuntime, conversation: ImConversation) -> tuple[ImEnter, str]:
    """The customer opens the chat: stored (its id anchors a greeting) and emitted; content is a string."""
    entered = ImEnter(
        server_message_id=ids.opaque_at_id(32),
        conversation_id=conversation.conversation_id,
        created_at=runtime.now(),
    )
    runtime.store.state.im_enters[entered.server_message_id] = entered
    content = {
        "conversation_short_id": conversation.conversation_id,
        "server_message_id": entered.server_message_id,
        "conversation_type": 1,
        "create_time": int(entered.created_at * 1000),
        "user_infos": [_user_info(conversation.customer_open_id)],
    }
    msg_id = runtime.webhooks.emit(
        "im_enter_direct_msg",
        content,
        from_user_id=conversation.customer_open_id,
        to_user_id=conversation.account_open_id,
    )
    return entered, msg_id


def beijing_day(instant: float) -> str:
    """The platform's calendar day of `instant`, for daily allowances."""
    return time.strftime("%Y-%m-%d", time.gmtime(instant + BEIJING_OFFSET_SECONDS))


def view(message: ImMessage) -> dict[str, Any]:
    """What the admin listing shows of a message (no file paths)."""
    shown = message.model_dump(exclude={"resource_path"})
    return shown | {
        "msg_type": MSG_TYPE_CODES[message.message_type],
        "has_resource": bool(message.resource_path),
    }
