"""Follow-up tasks as tests make them: a tenant with an admin and agents, a customer who said something, and a
task made through orchestration's own activity, whose run the session's workers execute."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle

from activities.orchestration.activities import OrchestrationActivities
from douflow.customers.assignment import AgentDesk
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer
from douflow.db.metrics_tables import Notification
from douflow.db.notification_tables import NotificationRecipient
from douflow.db.task_tables import FollowUpTask
from douflow.settings import Settings
from douflow.temporal import ids
from models.tasks import FollowUpTaskRef, NewFollowUpTask, TaskWait
from tests.support.auth import create_user
from tests.support.polling import eventually


@dataclass(frozen=True)
class Desk:
    """A tenant of its own: one admin, two agents (the first available), and a customer."""

    tenant_slug: str
    tenant_id: str
    admin_id: str
    agent_id: str
    other_agent_id: str
    customer_id: str


async def desk(
    sessionmaker: async_sessionmaker[AsyncSession], prefix: str, *, available: bool = True
) -> Desk:
    slug = f"{prefix}-{uuid.uuid4().hex[:8]}"
    tenant_id, admin_id = await create_user(sessionmaker, slug, "ada", "admin")
    _, agent_id = await create_user(sessionmaker, slug, "agnes", "agent")
    _, other_id = await create_user(sessionmaker, slug, "otis", "agent")
    async with sessionmaker() as session:
        if available:
            await AgentDesk(session, tenant_id).set_available(agent_id, True)
        customer = Customer(tenant_id=tenant_id, open_id=f"c-{uuid.uuid4().hex[:10]}", nickname="小王")
        session.add(customer)
        await session.commit()
        return Desk(slug, tenant_id, admin_id, agent_id, other_id, customer.id)


def activities(
    client: Client, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> OrchestrationActivities:
    """orchestration's activities as its worker builds them (the session's settings: its workers run the tasks)."""
    return OrchestrationActivities(client, settings, sessionmaker)


def new_task(
    where: Desk,
    *,
    due_in: timedelta = timedelta(hours=2),
    waiting_for: list[TaskWait] | None = None,
    source_ref: str | None = None,
    owner: str | None = None,
    reason: str = "客户询问团购价格，回电确认需求",
) -> NewFollowUpTask:
    return NewFollowUpTask(
        tenant_id=where.tenant_id,
        customer_id=where.customer_id,
        reason=reason,
        source="journey",
        source_ref=source_ref or f"journey-step-{uuid.uuid4().hex[:8]}",
        due_at=utcnow() + due_in,
        owner_user_id=owner,
        waiting_for=waiting_for or [],
    )


def handle_of(client: Client, ref: FollowUpTaskRef) -> WorkflowHandle[object, object]:
    return client.get_workflow_handle(ids.follow_up_task_workflow_id(ref.task_id))


async def task_row(sessionmaker: async_sessionmaker[AsyncSession], task_id: str) -> FollowUpTask:
    async with sessionmaker() as session:
        row = await session.get(FollowUpTask, task_id)
        assert row is not None
        return row


async def scripted(sessionmaker: async_sessionmaker[AsyncSession], task_id: str) -> FollowUpTask:
    """The task once its run wrote the suggested script (the run's first steps are done)."""

    async def probe() -> FollowUpTask | None:
        row = await task_row(sessionmaker, task_id)
        return row if row.script is not None else None

    found: FollowUpTask = await eventually(probe, within=30)
    return found


async def notices(
    sessionmaker: async_sessionmaker[AsyncSession], object_id: str
) -> list[tuple[str, list[str]]]:
    """(kind, recipient user ids) of the notifications about an object, oldest first."""
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.object_id == object_id)
            .order_by(Notification.created_at, Notification.id)
        )
        found = []
        for row in rows.all():
            users = await session.scalars(
                select(NotificationRecipient.user_id).where(NotificationRecipient.notification_id == row.id)
            )
            found.append((row.kind, sorted(users.all())))
        return found


def at(when: datetime) -> str:
    return when.isoformat()
