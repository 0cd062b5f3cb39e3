"""Journey graphs as tests design them, and a bound-looking account row for validation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import DouyinAccount

FOLLOW_UP = "您好，还在考虑我们的咖啡课程吗？有任何问题都可以问我。"


def lead_journey(
    *, wait_minutes: int = 60, timeout_minutes: int = 2 * 24 * 60, text: str = FOLLOW_UP, **extra: Any
) -> dict[str, Any]:
    """A captured lead waits, then: did the customer reply within the timeout? yes: a message; no: a tag."""
    return {
        "nodes": [
            {"id": "start", "kind": "trigger", "on": "lead_captured", "next": "pause"},
            {"id": "pause", "kind": "wait", "minutes": wait_minutes, "next": "replied"},
            {
                "id": "replied",
                "kind": "decision",
                "event": "replied",
                "timeout_minutes": timeout_minutes,
                "yes": "follow",
                "no": "cold",
            },
            {"id": "follow", "kind": "action", "action": "send_message", "text": text, "next": "done"},
            {"id": "cold", "kind": "action", "action": "tag", "tag": "silent-lead", "next": "done"},
            {"id": "done", "kind": "exit"},
        ],
        "goal": {"event": "purchase_question"},
        **extra,
    }


def tag_journey(tag: str = "nurtured", trigger: str = "manual", wait_minutes: int = 60) -> dict[str, Any]:
    """No message at all: wait, tag, exit (needs no account)."""
    return {
        "nodes": [
            {"id": "start", "kind": "trigger", "on": trigger, "next": "pause"},
            {"id": "pause", "kind": "wait", "minutes": wait_minutes, "next": "mark"},
            {"id": "mark", "kind": "action", "action": "tag", "tag": tag, "next": "done"},
            {"id": "done", "kind": "exit"},
        ]
    }


async def messaging_account(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, *, scopes: list[str] | None = None
) -> str:
    """An account row of the tenant granted private messages (enough for the designer's checks)."""
    async with sessionmaker() as session:
        account = DouyinAccount(
            tenant_id=tenant_id,
            open_id=f"acct-{uuid.uuid4().hex[:10]}",
            bound_by="tests",
            scopes=scopes if scopes is not None else ["im.direct_message", "item.comment", "user.intention"],
            status="ok",
            account_role="EAccountM",
        )
        session.add(account)
        await session.commit()
        return account.id
