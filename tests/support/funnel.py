"""A tenant's customer side written as the workflows write it: the orchestration activities (comments, likes,
conversation openings, messages, closing) run in an activity environment, leads through the behaviour store."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from activities.orchestration.activities import OrchestrationActivities
from douflow.customers.behaviour import BehaviourRepository
from douflow.customers.contacts import Contact
from douflow.db.metrics_tables import DouyinItem, MetricDaily, MetricRollup
from douflow.db.tables import DouyinAccount
from douflow.settings import Settings
from models.comments import CommentTriageInput
from models.conversations import (
    MessageAuthor,
    MessageRecord,
    MessageStatus,
    OpenConversation,
    OpenedConversation,
    StateChange,
)
from models.customers import FanAction


@dataclass
class CustomerSide:
    tenant_id: str
    sessionmaker: async_sessionmaker[AsyncSession]
    activities: OrchestrationActivities

    async def run(self, method: Any, payload: Any) -> Any:
        return await ActivityEnvironment().run(method, payload)

    async def account(self, nickname: str) -> tuple[str, str]:
        """A bound account's id and open_id."""
        account_id, open_id = str(uuid.uuid4()), f"acct-{uuid.uuid4().hex[:10]}"
        async with self.sessionmaker() as session:
            session.add(DouyinAccount(id=account_id, tenant_id=self.tenant_id, open_id=open_id,
                                      nickname=nickname, scopes=[], bound_by="test"))  # fmt: skip
            await session.commit()
        return account_id, open_id

    async def item(
        self, account_id: str, title: str, created: datetime, content_id: str | None = None
    ) -> str:
        item_id = f"@item-{uuid.uuid4().hex[:10]}"
        async with self.sessionmaker() as session:
            session.add(
                DouyinItem(tenant_id=self.tenant_id, account_id=account_id, item_id=item_id, content_id=content_id,
                           content_kind="image_post" if content_id else "external", title=title,
                           created_on_douyin=created, first_seen_at=created, last_captured_at=created)
            )  # fmt: skip
            await session.commit()
        return item_id

    async def plays(self, account_id: str, day: date, plays: int, item_id: str | None = None) -> None:
        """Growth as the metrics sync writes it: the account's rollup row (and the item's day row)."""
        async with self.sessionmaker() as session:
            session.add(MetricRollup(tenant_id=self.tenant_id, day=day, account_id=account_id, kind="image_post",
                                     play=plays, digg=0, comment=0, share=0, download=0, forward=0))  # fmt: skip
            if item_id is not None:
                session.add(MetricDaily(tenant_id=self.tenant_id, item_id=item_id, day=day, account_id=account_id,
                                        play=plays, digg=0, comment=0, share=0, download=0, forward=0))  # fmt: skip
            await session.commit()

    async def comment(
        self, account_id: str, item_id: str, open_id: str, at: datetime, comment_id: str | None = None
    ) -> None:
        comment = CommentTriageInput(
            tenant_id=self.tenant_id, account_id=account_id, item_id=item_id,
            comment_id=comment_id or f"c-{uuid.uuid4().hex[:10]}", author_open_id=open_id, text="好看，多少钱？",
            created_at=at,
        )  # fmt: skip
        await self.run(self.activities.record_comment, comment)

    async def like(self, account_open_id: str, item_id: str, open_id: str, at: datetime) -> None:
        action = FanAction(tenant_id=self.tenant_id, event="new_video_digg", msg_id=f"d-{uuid.uuid4().hex[:10]}",
                           user_ids=[open_id, account_open_id], item_id=item_id, at=at)  # fmt: skip
        recorded = await self.run(self.activities.record_fan_action, action)
        assert recorded.recorded

    async def open(self, account_id: str, open_id: str) -> OpenedConversation:
        request = OpenConversation(tenant_id=self.tenant_id, account_id=account_id, customer_open_id=open_id,
                                   douyin_conversation_id=f"dc-{open_id}")  # fmt: skip
        opened: OpenedConversation = await self.run(self.activities.open_conversation, request)
        return opened

    async def message(
        self, conversation_id: str, author: MessageAuthor, at: datetime, status: MessageStatus = "sent",
        user_id: str | None = None, message_id: str | None = None,
    ) -> None:  # fmt: skip
        record = MessageRecord(
            tenant_id=self.tenant_id, conversation_id=conversation_id, message_id=message_id or str(uuid.uuid4()),
            author=author, status="received" if author == "customer" else status, text="你好",
            author_user_id=user_id, at=at,
        )  # fmt: skip
        await self.run(self.activities.record_conversation_message, record)

    async def close(self, conversation_id: str, at: datetime) -> None:
        change = StateChange(tenant_id=self.tenant_id, conversation_id=conversation_id, state="closed",
                             actor_id="bot", at=at)  # fmt: skip
        await self.run(self.activities.change_conversation_state, change)

    async def lead(
        self, opened: OpenedConversation, source: str, at: datetime, source_key: str | None = None
    ) -> str:
        """The lead's id; '' when its source key was stored before (a redelivery)."""
        async with self.sessionmaker() as session:
            lead = await BehaviourRepository(session, self.tenant_id).add_lead(
                opened.customer_id, opened.conversation_id, Contact(phone="13812341234"), source,
                source_key or f"lead:{uuid.uuid4().hex}", at,
            )  # fmt: skip
            if lead is None:
                return ""
            await session.flush()
            lead_id = lead.id
            await session.commit()
        return lead_id


def customer_side(
    tenant_id: str, client: Client, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> CustomerSide:
    return CustomerSide(tenant_id, sessionmaker, OrchestrationActivities(client, settings, sessionmaker))
