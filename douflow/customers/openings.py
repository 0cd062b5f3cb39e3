"""Each opening of a conversation as the review dashboard counts it (seed 18), written as it happens.

Private messages carry no item id, so an opening is credited, once when it opens, to the customer's last
engagement with one of the account's items (a comment, or a behaviour event naming an item: a like, ...)
within the attribution window before it opened; none: unattributed. Its first response (the first message
sent to the customer after their first message, by the bot or a person), whether a person answered, and when
it closed are folded in as the conversation workflow records them. Repositories flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.funnel_days import FunnelDays
from douflow.db.comment_tables import ItemComment
from douflow.db.conversation_tables import Conversation, Customer, CustomerEvent
from douflow.db.funnel_tables import ConversationSession
from douflow.db.metrics_tables import DouyinItem
from models.conversations import MessageRecord, StateChange

SENT = ("sent", "unconfirmed")
HUMAN = ("agent", "douyin_app")
# Behaviour events read for an item, newest first, at most (a customer's week rarely holds more).
RECENT_EVENTS = 200


@dataclass(frozen=True)
class Engagement:
    item_id: str
    via: str
    at: datetime


class ConversationOpenings:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def opened(
        self, conversation: Conversation, customer: Customer, reopened: bool, at: datetime, window: timedelta
    ) -> ConversationSession | None:
        """A new opening when the conversation is new or reopened (a retry or a continued run adds none),
        credited to the customer's last engagement; the conversation row shows the same attribution."""
        if not reopened and await self.current(conversation.id) is not None:
            return None
        engagement = await last_engagement(
            self._session, self._tenant_id, conversation.account_id, customer, at, window
        )
        content_id = await self._content_of(engagement.item_id) if engagement else None
        opening = ConversationSession(
            tenant_id=self._tenant_id,
            conversation_id=conversation.id,
            account_id=conversation.account_id,
            customer_id=customer.id,
            opened_at=at,
            attributed_item_id=engagement.item_id if engagement else None,
            attributed_content_id=content_id,
            attributed_via=engagement.via if engagement else None,
            attributed_at=engagement.at if engagement else None,
        )
        self._session.add(opening)
        await FunnelDays(self._session, self._tenant_id).opened(opening)
        conversation.attributed_item_id = opening.attributed_item_id
        conversation.attributed_content_id = content_id
        return opening

    async def saw(self, record: MessageRecord) -> None:
        """Folds a recorded message into the conversation's current opening."""
        opening = await self.current(record.conversation_id)
        if opening is None:
            return
        changes = fold(opening, record.author, record.status, record.author_user_id, record.at)
        days = FunnelDays(self._session, self._tenant_id)
        if "first_message" in changes:
            await days.first_message(opening)
        if "first_reply" in changes:
            await days.first_reply(opening)
        if "agent" in changes:
            await days.agent_joined(opening)

    async def changed(self, change: StateChange) -> None:
        if change.state != "closed":
            return
        opening = await self.current(change.conversation_id)
        if opening is not None and opening.closed_at is None:
            opening.closed_at = change.at
            await FunnelDays(self._session, self._tenant_id).closed(opening)

    async def current(self, conversation_id: str | None) -> ConversationSession | None:
        if conversation_id is None:
            return None
        found: ConversationSession | None = await self._session.scalar(
            select(ConversationSession)
            .where(
                ConversationSession.tenant_id == self._tenant_id,
                ConversationSession.conversation_id == conversation_id,
            )
            .order_by(ConversationSession.opened_at.desc())
            .limit(1)
        )
        return found

    async def credited(
        self, *, conversation_id: str | None, customer_id: str, at: datetime
    ) -> ConversationSession | None:
        """The opening something that happened at `at` came from: the conversation's latest opening by then,
        or without a conversation the customer's latest opening on any account."""
        query = select(ConversationSession).where(
            ConversationSession.tenant_id == self._tenant_id, ConversationSession.opened_at <= at
        )
        if conversation_id is not None:
            query = query.where(ConversationSession.conversation_id == conversation_id)
        else:
            query = query.where(ConversationSession.customer_id == customer_id)
        found: ConversationSession | None = await self._session.scalar(
            query.order_by(ConversationSession.opened_at.desc()).limit(1)
        )
        return found

    async def _content_of(self, item_id: str) -> str | None:
        found: str | None = await self._session.scalar(
            select(DouyinItem.content_id).where(
                DouyinItem.tenant_id == self._tenant_id, DouyinItem.item_id == item_id
            )
        )
        return found


def fold(
    opening: ConversationSession, author: str, status: str, user_id: str | None, at: datetime
) -> set[str]:
    """One message's part: the customer's first message, the first reply after it, a person answering;
    what it changed (a message seen before changes nothing)."""
    changes: set[str] = set()
    if author == "customer":
        if opening.first_customer_at is None:
            opening.first_customer_at = at
            changes.add("first_message")
        return changes
    if status not in SENT:
        return changes
    if author in HUMAN:
        opening.human_replied = True
        if opening.agent_user_id is None and user_id is not None:
            opening.agent_user_id = user_id
            changes.add("agent")
    first = opening.first_customer_at
    if first is not None and opening.first_reply_at is None and at >= first:
        opening.first_reply_at, opening.first_reply_by = at, author
        opening.first_response_seconds = max(0, round((at - first).total_seconds()))
        changes.add("first_reply")
    return changes


async def last_engagement(
    session: AsyncSession,
    tenant_id: str,
    account_id: str,
    customer: Customer,
    before: datetime,
    window: timedelta,
) -> Engagement | None:
    """The customer's latest comment on, or behaviour event naming, one of the account's items in
    [before - window, before]; None when there is none (unattributed)."""
    since = before - window
    comment = (
        await session.execute(
            select(ItemComment.item_id, ItemComment.commented_at)
            .where(
                ItemComment.tenant_id == tenant_id,
                ItemComment.author_open_id == customer.open_id,
                ItemComment.account_id == account_id,
                ItemComment.commented_at >= since,
                ItemComment.commented_at <= before,
            )
            .order_by(ItemComment.commented_at.desc())
            .limit(1)
        )
    ).first()
    found = Engagement(item_id=comment[0], via="comment", at=comment[1]) if comment else None
    events = await session.execute(
        select(CustomerEvent.type, CustomerEvent.detail, CustomerEvent.occurred_at)
        .where(
            CustomerEvent.tenant_id == tenant_id,
            CustomerEvent.customer_id == customer.id,
            CustomerEvent.occurred_at >= since,
            CustomerEvent.occurred_at <= before,
        )
        .order_by(CustomerEvent.occurred_at.desc())
        .limit(RECENT_EVENTS)
    )
    for kind, detail, at in events:
        item_id = (detail or {}).get("item_id")
        if not item_id or (detail or {}).get("account_id") not in (None, account_id):
            continue
        if found is None or at > found.at:
            found = Engagement(item_id=str(item_id), via=kind, at=at)
        break  # newest first: the first event naming an item is the customer's last
    return found
