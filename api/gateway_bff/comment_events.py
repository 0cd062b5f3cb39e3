"""Comment webhooks (`item_comment_reply`) into one comment triage per comment.

The account is the one tenant's bound account among the event's users: the item's owner, which Douyin's
sample names as `to_user_id` while `from_user_id` is the commenter [inf: douyin-openapi.md 6.1, 7 give the
fields, not the sides; both are tried, the receiving side first]. The author is the content's
`comment_user_id`, a customer; the account's own comments (its replies) are not triaged. The run's id is the
comment's, so a redelivery under any Msg-Id starts nothing. Fields are read tolerantly (numbers as strings,
`create_time` in seconds or milliseconds).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount
from douflow.douyin.events import epoch_time
from douflow.settings import Settings
from douflow.temporal import starts
from models.comments import COMMENT_TEXT_MAX, CommentTriageInput
from models.douyin_accounts import RELEASED

log = logging.getLogger("douflow.bff.webhook")

COMMENT_EVENT = "item_comment_reply"
# What a top-level comment carries as `reply_to_comment_id`.
NO_PARENT = frozenset({"", "0"})


async def to_comment_triage(
    session: AsyncSession, temporal: Client, settings: Settings, users: tuple[str, str], content: Any
) -> str | None:
    """Starts the comment's triage; its workflow id, or None (no bound account, or not a customer's comment)."""
    from_user, to_user = users
    body = content if isinstance(content, dict) else {}
    comment_id = _text(body.get("comment_id"))
    item_id = _text(body.get("reply_to_item_id") or body.get("item_id"))
    account = await _bound_account(session, [to_user, from_user])
    if account is None or not comment_id or not item_id:
        return None
    author = _text(body.get("comment_user_id")) or (from_user if account.open_id == to_user else to_user)
    if not author or author == account.open_id:
        return None
    parent = _text(body.get("reply_to_comment_id"))
    run = starts.comment_triage(
        CommentTriageInput(
            tenant_id=account.tenant_id,
            account_id=account.id,
            item_id=item_id[:200],
            comment_id=comment_id[:200],
            author_open_id=author[:200],
            text=_text(body.get("content"))[:COMMENT_TEXT_MAX],
            created_at=epoch_time(body.get("create_time")) or utcnow(),
            reply_to_comment_id=None if parent in NO_PARENT else parent[:200],
            auto_reply=settings.comment_auto_reply,
        )
    )
    try:
        await starts.start(temporal, settings, run)
    except WorkflowAlreadyStartedError:
        log.info("comment %s of account %s was already triaged", comment_id, account.id)
    return run.id


async def _bound_account(session: AsyncSession, open_ids: list[str]) -> DouyinAccount | None:
    """The first of the open_ids that a tenant holds as a bound account."""
    for open_id in open_ids:
        if not open_id:
            continue
        found: DouyinAccount | None = await session.scalar(
            select(DouyinAccount)
            .where(DouyinAccount.open_id == open_id, DouyinAccount.status.not_in(list(RELEASED)))
            .order_by(DouyinAccount.bound_at.desc())
            .limit(1)
        )
        if found is not None:
            return found
    return None


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()
