"""Private-message webhooks (`im_receive_msg`, `im_enter_direct_msg`, `im_send_msg`) into conversations.

Each event is a signal to the conversation of (account, customer), started by the signal when none runs, so
the first message of a customer and the next one of a closed conversation both open it. The account is the
one tenant's account holding the receiving open_id (the sending one for `im_send_msg`); an event for an account
nobody holds is kept in the inbox only. `content` shapes follow douyin-openapi.md §6.2; fields are read tolerantly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from douflow.customers.conversations import conversation_timing
from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount
from douflow.settings import Settings
from douflow.temporal import starts
from models.conversations import (
    ConversationInput,
    EnteredChat,
    InboundMessage,
    SentEcho,
)
from models.customers import CardField
from models.douyin_accounts import RELEASED

RECEIVED, ENTERED, SENT = "im_receive_msg", "im_enter_direct_msg", "im_send_msg"
IM_EVENTS = frozenset({RECEIVED, ENTERED, SENT})
TEXT_MAX = 4000
CARD_FIELDS_MAX = 20
CARD_VALUE_MAX = 200


async def to_conversation(
    session: AsyncSession,
    temporal: Client,
    settings: Settings,
    event: str,
    users: tuple[str, str],
    content: Any,
) -> str | None:
    """Signals the event to its conversation; the conversation's workflow id, or None (no bound account)."""
    from_user, to_user = users
    account_open_id, customer = (from_user, to_user) if event == SENT else (to_user, from_user)
    body = content if isinstance(content, dict) else {}
    account = await _bound_account(session, account_open_id)
    if account is None or not customer:
        return None
    signal, arg = _signal(event, body, settings.douyin_client_key)
    run = starts.conversation(
        ConversationInput(
            tenant_id=account.tenant_id,
            account_id=account.id,
            customer_open_id=customer,
            timing=conversation_timing(settings),
        )
    )
    await starts.signal_with_start(temporal, settings, run, signal, arg)
    return run.id


async def _bound_account(session: AsyncSession, open_id: str) -> DouyinAccount | None:
    if not open_id:
        return None
    found: DouyinAccount | None = await session.scalar(
        select(DouyinAccount)
        .where(DouyinAccount.open_id == open_id, DouyinAccount.status.not_in(list(RELEASED)))
        .order_by(DouyinAccount.bound_at.desc())
        .limit(1)
    )
    return found


def _signal(event: str, body: dict[str, Any], client_key: str) -> tuple[str, BaseModel]:
    msg_id = str(body.get("server_message_id") or body.get("msg_id") or "")
    conversation = str(body.get("conversation_short_id") or body.get("conversation_id") or "")
    at = _time(body.get("create_time"))
    if event == ENTERED:
        return "entered", EnteredChat(msg_id=msg_id, conversation_id=conversation, at=at)
    text = str(body.get("text") or "")[:TEXT_MAX]
    if event == SENT:
        ours = bool(client_key) and str(body.get("source") or "") == client_key
        return "sent_echo", SentEcho(msg_id=msg_id, conversation_id=conversation, text=text, ours=ours, at=at)
    card_id = body.get("card_id")
    return "customer_message", InboundMessage(
        msg_id=msg_id,
        conversation_id=conversation,
        msg_type=str(body.get("message_type") or "text")[:16],
        text=text,
        sent_at=at,
        nickname=_nickname(body),
        card_id=str(card_id)[:200] if card_id else None,
        card_data=_card_data(body.get("card_data")),
    )


def _card_data(value: Any) -> list[CardField]:
    """A submitted card's `card_data` [{label, value}] (a JSON string tolerated); anything else is no field."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    fields = [item for item in value if isinstance(item, dict)][:CARD_FIELDS_MAX]
    return [
        CardField(
            label=str(f.get("label") or "")[:CARD_VALUE_MAX], value=str(f.get("value") or "")[:CARD_VALUE_MAX]
        )
        for f in fields
    ]


def _time(value: Any) -> datetime:
    """`create_time` is in milliseconds (seconds tolerated); a missing one is now."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return utcnow()
    seconds = number / 1000 if number > 10**11 else number
    return datetime.fromtimestamp(seconds, UTC)


def _nickname(body: dict[str, Any]) -> str | None:
    infos = body.get("user_infos")
    if isinstance(infos, list) and infos and isinstance(infos[0], dict):
        name = infos[0].get("nick_name")
        return str(name)[:100] if name else None
    return None
