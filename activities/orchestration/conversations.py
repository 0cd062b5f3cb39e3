"""orchestration-service's conversation store (seed 10-14): the conversation workflow's writes.

Every write is idempotent under retries: a conversation is found by (account, customer), a message by the id
the workflow derived, a notification by the handoff it announces.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.orchestration import journey_dispatch, task_dispatch
from activities.orchestration.contract import Orchestration
from activities.orchestration.tasks import TaskActivities
from douflow.content.brands import BrandRepository
from douflow.customers.assignment import AgentDesk
from douflow.customers.conversations import AGENTS, ConversationRepository
from douflow.customers.openings import ConversationOpenings
from douflow.db.base import utcnow
from douflow.db.metrics_tables import Notification
from douflow.db.tables import Tenant
from douflow.notify import recipients
from douflow.settings import Settings
from douflow.temporal import ids
from models.conversations import (
    Assignment,
    AssignRequest,
    HandoffNotice,
    MessageRecord,
    OpenConversation,
    OpenedConversation,
    StateChange,
)

_NOTICE_NAMESPACE = uuid.UUID("0c8e7a4e-51a4-4f7e-9b1e-2f6d3c5a8b90")
DEFAULT_PAUSE_MINUTES = 30


class ConversationActivities(TaskActivities, Orchestration):
    _client: Client
    _sessionmaker: async_sessionmaker[AsyncSession]
    _settings: Settings

    @activity.defn
    async def open_conversation(self, req: OpenConversation) -> OpenedConversation:
        """The customer and the conversation rows; a closed conversation reopens with the bot in charge."""
        workflow_id = ids.conversation_workflow_id(req.account_id, req.customer_open_id)
        async with self._sessionmaker() as session:
            repo = ConversationRepository(session, req.tenant_id)
            customer = await repo.customer(req.customer_open_id, req.nickname, utcnow())
            await session.flush()
            conversation, reopened = await repo.open(
                req.account_id, customer, workflow_id, req.douyin_conversation_id
            )
            await session.flush()
            window = timedelta(days=self._settings.funnel_attribution_days)
            await ConversationOpenings(session, req.tenant_id).opened(
                conversation, customer, reopened, utcnow(), window
            )
            summary = await repo.summary(conversation.id) if reopened else ""
            tenant = await session.get(Tenant, req.tenant_id)
            brand = await BrandRepository(session, req.tenant_id).for_account(req.account_id)
            opened = OpenedConversation(
                conversation_id=conversation.id,
                customer_id=customer.id,
                reopened=reopened,
                summary=summary,
                pause_minutes=tenant.human_pause_minutes if tenant else DEFAULT_PAUSE_MINUTES,
                brand=brand,
            )
            await session.commit()
            return opened

    @activity.defn
    async def record_conversation_message(self, record: MessageRecord) -> None:
        async with self._sessionmaker() as session:
            await ConversationRepository(session, record.tenant_id).record(record)
            await ConversationOpenings(session, record.tenant_id).saw(record)
            await session.commit()

    @activity.defn
    async def change_conversation_state(self, change: StateChange) -> None:
        async with self._sessionmaker() as session:
            await ConversationRepository(session, change.tenant_id).change(change)
            await ConversationOpenings(session, change.tenant_id).changed(change)
            await session.commit()
        await task_dispatch.taken_over(self._client, self._sessionmaker, change)

    @activity.defn
    async def assign_conversation(self, req: AssignRequest) -> Assignment:
        """The conversation waits for a person, given round-robin to an available agent under the cap, in one
        write; one a person took over meanwhile is left as it is (the workflow re-syncs a release)."""
        async with self._sessionmaker() as session:
            repo = ConversationRepository(session, req.tenant_id)
            conversation = await repo.get(req.conversation_id)
            if conversation is None:
                return Assignment()
            if conversation.state in ("human", "closed"):
                return Assignment(user_id=conversation.owner_id)  # a person took it over meanwhile
            before = (conversation.state, conversation.owner_id)
            if conversation.state == "bot":
                conversation.state, conversation.owner_id = "waiting_human", None
                conversation.paused_until, conversation.handoff_reason = None, req.reason
            desk = AgentDesk(session, req.tenant_id)
            user_id = await desk.assign(conversation, self._settings.conversation_agent_cap, req.at)
            if (conversation.state, conversation.owner_id) != before:
                repo.announce(conversation)
            await session.commit()
            unassigned = (conversation.customer_id, conversation.account_id) if user_id is None else None
        if unassigned is not None:
            await self.task_for_unassigned_handoff(req, *unassigned)
        return Assignment(user_id=user_id)

    @activity.defn
    async def notify_handoff(self, notice: HandoffNotice) -> None:
        """One notification per handoff for the tenant's agents, with the reason; a retry finds it."""
        key = f"{notice.conversation_id}:{notice.at.isoformat()}"
        notice_id = str(uuid.uuid5(_NOTICE_NAMESPACE, key))
        async with self._sessionmaker() as session:
            await recipients.address(
                session,
                Notification(
                    id=notice_id,
                    tenant_id=notice.tenant_id,
                    kind="conversation_handoff",
                    title="客户等待人工回复"
                    + ("（已分配）" if notice.assigned_to else "（暂无可分配的客服）"),
                    body=notice.reason[:1000],
                    link=f"/api/v1/conversations/{notice.conversation_id}",
                    object_id=notice.conversation_id,
                    audience=AGENTS,
                ),
            )
            await session.commit()
            notices = recipients.written(session)
        await self._to_webhooks(notice.tenant_id, notices)
        await journey_dispatch.after_handoff(self, notice)
