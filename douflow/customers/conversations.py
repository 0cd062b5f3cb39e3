"""Conversations and their transcripts, tenant-scoped. Repositories flush; the caller commits.

The workflow owns a conversation's state; rows mirror it for lists and keep the transcript for agents,
also across the workflow's runs (a closed conversation reopens with its history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow import live_events
from douflow.customers.suggestions import SENT_STATUSES, SuggestionRepository
from douflow.db.conversation_tables import Conversation, ConversationMessage, Customer
from douflow.security.tokens import Role
from douflow.settings import Settings
from models.conversations import ConversationState, ConversationTiming, MessageRecord, StateChange

# Who works conversations, and the audience of notifications meant for them.
AGENT_ROLES: tuple[Role, ...] = ("admin", "operator", "agent")
AGENTS = "agents"
SUMMARY_MESSAGES = 4
SUMMARY_CHARS = 60


class ConversationRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def customer(self, open_id: str, nickname: str | None, now: datetime) -> Customer:
        """The tenant's customer of this open_id, made on first contact; concurrent first contacts meet."""
        found = await self._customer(open_id)
        if found is None:
            try:
                async with self._session.begin_nested():
                    found = Customer(tenant_id=self._tenant_id, open_id=open_id, nickname=nickname)
                    self._session.add(found)
            except IntegrityError:
                found = await self._customer(open_id)
                if found is None:
                    raise
        found.last_seen_at = now
        if nickname:
            found.nickname = nickname[:100]
        return found

    async def open(
        self, account_id: str, customer: Customer, workflow_id: str, douyin_conversation_id: str | None
    ) -> tuple[Conversation, bool]:
        """The conversation row (made on first contact) and whether it was closed and is now reopened."""
        found = await self._conversation(account_id, customer.id)
        if found is None:
            try:
                async with self._session.begin_nested():
                    found = Conversation(
                        tenant_id=self._tenant_id,
                        account_id=account_id,
                        customer_id=customer.id,
                        workflow_id=workflow_id,
                        douyin_conversation_id=douyin_conversation_id,
                    )
                    self._session.add(found)
                self.announce(found)
                return found, False
            except IntegrityError:
                found = await self._conversation(account_id, customer.id)
                if found is None:
                    raise
        reopened = found.state == "closed"
        if reopened:
            found.state, found.owner_id, found.paused_until, found.handoff_reason = "bot", None, None, None
            self.announce(found)
        if douyin_conversation_id:
            found.douyin_conversation_id = douyin_conversation_id
        return found, reopened

    async def get(self, conversation_id: str) -> Conversation | None:
        row = await self._session.get(Conversation, conversation_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def list(
        self,
        *,
        state: ConversationState | None = None,
        account_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[tuple[Conversation, Customer]]:
        query = (
            select(Conversation, Customer)
            .join(Customer, Customer.id == Conversation.customer_id)
            .where(Conversation.tenant_id == self._tenant_id)
            .order_by(Conversation.last_message_at.desc(), Conversation.id)
            .limit(limit)
            .offset(offset)
        )
        if state is not None:
            query = query.where(Conversation.state == state)
        if account_id is not None:
            query = query.where(Conversation.account_id == account_id)
        return [(c, u) for c, u in (await self._session.execute(query)).all()]

    async def messages(self, conversation_id: str, limit: int = 200) -> Sequence[ConversationMessage]:
        """The transcript's last `limit` messages, oldest first."""
        rows = await self._session.scalars(
            select(ConversationMessage)
            .where(
                ConversationMessage.tenant_id == self._tenant_id,
                ConversationMessage.conversation_id == conversation_id,
            )
            .order_by(ConversationMessage.created_at.desc(), ConversationMessage.id.desc())
            .limit(limit)
        )
        return list(reversed(rows.all()))

    async def record(self, record: MessageRecord) -> ConversationMessage:
        """Writes a message once under its id (a retry updates the row it made) and touches the conversation.

        A Douyin message already recorded under another id (a delivery seen by an earlier run) is kept as it is.
        """
        if record.douyin_msg_id is not None:
            same = await self._session.scalar(
                select(ConversationMessage).where(
                    ConversationMessage.tenant_id == self._tenant_id,
                    ConversationMessage.douyin_msg_id == record.douyin_msg_id,
                    ConversationMessage.id != record.message_id,
                )
            )
            if same is not None:
                return same
        row = await self._session.get(ConversationMessage, record.message_id)
        announce = row is None or row.status != record.status
        if row is None:
            row = ConversationMessage(
                id=record.message_id,
                tenant_id=self._tenant_id,
                conversation_id=record.conversation_id,
                created_at=record.at,
            )
            self._session.add(row)
        elif row.tenant_id != self._tenant_id:
            raise ValueError("message id taken by another tenant")
        row.author = record.author
        row.author_user_id = record.author_user_id
        row.status = record.status
        row.msg_type = record.msg_type
        row.text = record.text
        row.douyin_msg_id = record.douyin_msg_id
        row.reply_to_msg_id = record.reply_to_msg_id
        row.suggestion_id = record.suggestion_id
        row.media_key = record.media_key
        row.decision = record.decision.model_dump(mode="json") if record.decision else None
        row.findings = list(record.findings)
        row.reason = record.reason
        conversation = await self.get(record.conversation_id)
        if conversation is not None and conversation.last_message_at < record.at:
            conversation.last_message_at = record.at
        if announce:
            live_events.record(
                self._session,
                self._tenant_id,
                "message",
                record.conversation_id,
                {
                    "conversation_id": record.conversation_id,
                    "message_id": record.message_id,
                    "author": record.author,
                    "status": record.status,
                    "msg_type": record.msg_type,
                    "at": record.at.isoformat(),
                },
            )
        if record.suggestion_id and record.author == "agent" and record.status in SENT_STATUSES:
            await SuggestionRepository(self._session, self._tenant_id).mark_used(
                record.suggestion_id, record.conversation_id, record.author_user_id, record.text, record.at
            )
        return row

    async def change(self, change: StateChange) -> Conversation | None:
        row = await self.get(change.conversation_id)
        if row is None:
            return None
        row.state = change.state
        row.owner_id = change.owner_id
        row.paused_until = change.paused_until
        row.handoff_reason = change.handoff_reason
        self.announce(row)
        return row

    def announce(self, row: Conversation) -> None:
        """A live event with the conversation's state and assignee as they are now (in this transaction)."""
        live_events.record(
            self._session,
            self._tenant_id,
            "conversation",
            row.id,
            {
                "conversation_id": row.id,
                "account_id": row.account_id,
                "customer_id": row.customer_id,
                "state": row.state,
                "owner_id": row.owner_id,
            },
            user_id=row.owner_id,
        )

    async def summary(self, conversation_id: str) -> str:
        """What the customer last asked, for a bot starting over after a closed stretch; never replayed."""
        recent = [m for m in await self.messages(conversation_id, 20) if m.author == "customer" and m.text]
        said = "；".join(m.text[:SUMMARY_CHARS] for m in recent[-SUMMARY_MESSAGES:])
        return f"此前客户说过：{said}" if said else ""

    async def _customer(self, open_id: str) -> Customer | None:
        found: Customer | None = await self._session.scalar(
            select(Customer).where(Customer.tenant_id == self._tenant_id, Customer.open_id == open_id)
        )
        return found

    async def _conversation(self, account_id: str, customer_id: str) -> Conversation | None:
        found: Conversation | None = await self._session.scalar(
            select(Conversation).where(
                Conversation.tenant_id == self._tenant_id,
                Conversation.account_id == account_id,
                Conversation.customer_id == customer_id,
            )
        )
        return found


def conversation_timing(settings: Settings) -> ConversationTiming:
    """The deployment's conversation timing: every start of a conversation (a webhook, a journey) gives it."""
    return ConversationTiming(
        debounce_seconds=settings.conversation_debounce_seconds,
        idle_close_seconds=settings.conversation_idle_close_hours * 3600,
        echo_wait_seconds=settings.conversation_echo_wait_seconds,
        queue_timeout_seconds=settings.conversation_queue_timeout_minutes * 60,
        queue_message=settings.conversation_queue_message,
        continue_after_messages=settings.conversation_continue_after_messages,
        lead_max_asks=settings.conversation_lead_max_asks,
        lead_cooldown_seconds=settings.conversation_lead_cooldown_hours * 3600,
    )
