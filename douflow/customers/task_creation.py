"""Making a follow-up task (seed 16), the one way every source makes it: automatic ones (score crossings,
handoffs, journeys, through orchestration's activity) and an agent's own (`POST /api/v1/tasks`).

The same snapshot of the customer, the same owner rule, one row per (tenant, source, source_ref) under an id
derived from it (so a retried creation finds its task and its run `task-{id}`), and a notice to the owner.
Flushes; the caller commits, starts the run and hands what was addressed to the tenant's webhooks.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers import tasks
from douflow.customers.tasks import TaskRepository
from douflow.db.metrics_tables import Notification
from douflow.db.tables import Tenant
from douflow.db.task_tables import FollowUpTask
from douflow.notify import recipients
from douflow.notify.recipients import ADMINS
from douflow.temporal import ids
from models.tasks import NewFollowUpTask

_TASK_NAMESPACE = uuid.UUID("3e7b9c14-6a2f-4d85-b0c3-8f1e5a9d2c60")
NOTICE_NAMESPACE = uuid.UUID("c41f7d2a-9e58-4b36-a0d1-7b2e6f3c8a95")


def task_id_for(tenant_id: str, source: str, source_ref: str) -> str:
    """The same id on every attempt of one creation."""
    return str(uuid.uuid5(_TASK_NAMESPACE, f"{tenant_id}:{source}:{source_ref}"))


async def make(
    session: AsyncSession, new: NewFollowUpTask, now: datetime, *, notify_owner: bool = True
) -> tuple[FollowUpTask, bool]:
    """The task, or the one made before under its source (`created` False). An unknown customer raises
    `TaskProblem`; the owner is `new.owner_user_id` when they work customers, else the usual fallback."""
    repo = TaskRepository(session, new.tenant_id)
    existing = await repo.by_source(new.source, new.source_ref)
    if existing is not None:
        return existing, False
    task_id = task_id_for(new.tenant_id, new.source, new.source_ref)
    context = await tasks.snapshot(session, new.tenant_id, new.customer_id, new.account_id, now)
    owner = await tasks.pick_owner(session, new.tenant_id, new.owner_user_id, now)
    row, created = await repo.create(new, owner, context, ids.follow_up_task_workflow_id(task_id), task_id)
    if created and notify_owner and row.owner_user_id is not None:
        await recipients.address(session, await new_task_notice(session, row), [row.owner_user_id])
    return row, created


async def new_task_notice(session: AsyncSession, row: FollowUpTask, key: str = "new") -> Notification:
    """The owner's notice of a task given to them (made, or reassigned: `key` tells them apart)."""
    due = await local_time(session, row.tenant_id, row.due_at)
    return Notification(
        id=str(uuid.uuid5(NOTICE_NAMESPACE, f"{row.id}:{key}")),
        tenant_id=row.tenant_id,
        kind="task_assigned",
        title="新的跟进任务",
        body=f"{row.reason[:200]}（截止 {due}）",
        link=f"/api/v1/tasks/{row.id}",
        object_id=row.id,
        audience=ADMINS,
    )


async def local_time(session: AsyncSession, tenant_id: str, at: datetime) -> str:
    """A time as the tenant's people read it, in the tenant's zone."""
    tenant = await session.get(Tenant, tenant_id)
    zone = ZoneInfo(tenant.timezone if tenant is not None and tenant.timezone else "Asia/Shanghai")
    return at.astimezone(zone).strftime("%m-%d %H:%M")
