"""orchestration-service's follow-up tasks (seed 16): made once per source, each with its reminder/escalation run
(`task-{task_id}`), changed only through that run, so a completion and the customer's reply never race.

Every write is idempotent under retries: a task is found by (source, source_ref), a timer's notification by the
task, its kind and the due time it fired for.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.orchestration import task_dispatch
from activities.orchestration.contract import Orchestration
from activities.orchestration.notifications import NotificationActivities
from douflow import live_events
from douflow.customers import task_creation, tasks
from douflow.customers.task_creation import NOTICE_NAMESPACE as _NOTICE_NAMESPACE
from douflow.customers.tasks import TaskProblem, TaskRepository
from douflow.customers.thresholds import LEVEL_KEY
from douflow.db.base import utcnow
from douflow.db.conversation_tables import ScoreCrossing
from douflow.db.metrics_tables import Notification
from douflow.db.task_tables import FollowUpTask
from douflow.live_events import LiveKind
from douflow.notify import recipients
from douflow.notify.recipients import ADMINS
from douflow.settings import Settings
from douflow.temporal import starts
from douflow.temporal.errors import TASK_CHANGE_REFUSED
from models.conversations import AssignRequest
from models.customers import BehaviourBatch, CustomerSnapshot
from models.tasks import (
    FollowUpTaskInput,
    FollowUpTaskRef,
    NewFollowUpTask,
    TaskChange,
    TaskKey,
    TaskScriptRecord,
    TaskState,
    TaskTimer,
)


class TaskActivities(NotificationActivities, Orchestration):
    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def create_follow_up_task(self, new: NewFollowUpTask) -> FollowUpTaskRef:
        return await self.make_task(new)

    async def make_task(self, new: NewFollowUpTask) -> FollowUpTaskRef:
        """The task and its run; also what other orchestration activities call (score crossings, handoffs)."""
        async with self._sessionmaker() as session:
            try:
                row, created = await task_creation.make(session, new, utcnow())
            except TaskProblem as exc:
                raise ApplicationError(str(exc), type=TASK_CHANGE_REFUSED, non_retryable=True) from exc
            await session.commit()
            items = recipients.written(session)
            ref = FollowUpTaskRef(task_id=row.id, owner_user_id=row.owner_user_id, created=created)
            is_open = row.status in ("open", "snoozed")
        if is_open:
            await self._ensure_run(new.tenant_id, ref.task_id)
        await self._to_webhooks(new.tenant_id, items)
        return ref

    async def task_for_hot_lead(
        self, batch: BehaviourBatch, snapshot: CustomerSnapshot
    ) -> FollowUpTaskRef | None:
        """A customer whose level rose to hot in this batch gets a task: someone should contact them while they
        are interested. Once per crossing (the crossing's sequence is the task's source_ref)."""
        async with self._sessionmaker() as session:
            seq = await session.scalar(
                select(ScoreCrossing.seq).where(
                    ScoreCrossing.tenant_id == batch.tenant_id,
                    ScoreCrossing.customer_id == snapshot.customer_id,
                    ScoreCrossing.key == LEVEL_KEY,
                    ScoreCrossing.value == "hot",
                    ScoreCrossing.above.is_(True),
                    ScoreCrossing.at == batch.at,
                )
            )
        if seq is None:
            return None
        contact = (
            "已留联系方式，请尽快联系"
            if snapshot.has_phone or snapshot.has_wechat
            else "尚未留联系方式，请跟进"
        )
        return await self.make_task(
            NewFollowUpTask(
                tenant_id=batch.tenant_id,
                customer_id=snapshot.customer_id,
                account_id=batch.account_id,
                reason=f"客户意向升为热（意向分 {snapshot.score:g}），{contact}",
                source="score",
                source_ref=f"{snapshot.customer_id}:{LEVEL_KEY}#{seq}",
                due_at=batch.at + timedelta(minutes=self._settings.task_hot_lead_due_minutes),
            )
        )

    async def task_for_unassigned_handoff(
        self, req: AssignRequest, customer_id: str, account_id: str
    ) -> FollowUpTaskRef:
        """A handed-off conversation no agent could take becomes a task (for an admin when nobody is available);
        it closes itself when an agent takes the conversation over (`task_dispatch.taken_over`)."""
        return await self.make_task(
            NewFollowUpTask(
                tenant_id=req.tenant_id,
                customer_id=customer_id,
                account_id=account_id,
                reason=f"客户等待人工回复，暂无可分配的客服：{req.reason}"[:1000],
                source="handoff",
                source_ref=task_dispatch.handoff_ref(req.conversation_id, req.at),
                due_at=req.at + timedelta(minutes=self._settings.task_handoff_due_minutes),
                waiting_for=["takeover"],
            )
        )

    async def _ensure_run(self, tenant_id: str, task_id: str) -> None:
        arg = FollowUpTaskInput(
            tenant_id=tenant_id, task_id=task_id, remind_before_minutes=self._settings.task_reminder_minutes
        )
        try:
            await starts.start(self._client, self._settings, starts.follow_up_task(arg))
        except WorkflowAlreadyStartedError:
            pass  # the run ended (the task closed) and its id is not reused

    @activity.defn
    async def load_follow_up_task(self, key: TaskKey) -> TaskState:
        async with self._sessionmaker() as session:
            row = await self._task(session, key.tenant_id, key.task_id)
            return tasks.state_of(row, with_context=True)

    @activity.defn
    async def record_task_script(self, record: TaskScriptRecord) -> None:
        async with self._sessionmaker() as session:
            row = await self._task(session, record.tenant_id, record.task_id)
            row.script = None if record.blocked else record.text
            row.script_cited, row.script_findings = list(record.cited), list(record.findings)
            await session.commit()

    @activity.defn
    async def fire_task_timer(self, timer: TaskTimer) -> TaskState:
        async with self._sessionmaker() as session:
            row = await self._task(session, timer.tenant_id, timer.task_id)
            if row.status not in ("open", "snoozed") or row.due_at != timer.due_at:
                return tasks.state_of(row)
            if timer.kind == "reminder" and row.reminded_for != timer.due_at:
                notice = await self._timer_notice(session, row, timer)
                await recipients.address(session, notice, [row.owner_user_id] if row.owner_user_id else None)
                row.reminded_for = timer.due_at
                _announce_timer(session, row, "task_due")
            elif timer.kind == "escalation" and row.escalated_for != timer.due_at:
                await recipients.address(session, await self._timer_notice(session, row, timer))
                row.escalated_for = timer.due_at
                _announce_timer(session, row, "task_overdue")
            if row.status == "snoozed":
                row.status = "open"
            await session.commit()
            items = recipients.written(session)
            state = tasks.state_of(row)
        await self._to_webhooks(timer.tenant_id, items)
        return state

    @activity.defn
    async def change_follow_up_task(self, change: TaskChange) -> TaskState:
        async with self._sessionmaker() as session:
            repo = TaskRepository(session, change.tenant_id)
            try:
                row = await repo.apply(change)
            except TaskProblem as exc:
                raise ApplicationError(str(exc), type=TASK_CHANGE_REFUSED, non_retryable=True) from exc
            if change.action == "reassign" and change.owner_user_id:
                notice = await task_creation.new_task_notice(
                    session, row, f"reassign:{change.at.isoformat()}"
                )
                await recipients.address(session, notice, [change.owner_user_id])
            await session.commit()
            items = recipients.written(session)
            state = tasks.state_of(row)
        await self._to_webhooks(change.tenant_id, items)
        return state

    async def _task(self, session: AsyncSession, tenant_id: str, task_id: str) -> FollowUpTask:
        row = await TaskRepository(session, tenant_id).get(task_id)
        if row is None:
            raise ApplicationError(f"task {task_id} not found", type=TASK_CHANGE_REFUSED, non_retryable=True)
        return row

    async def _timer_notice(self, session: AsyncSession, row: FollowUpTask, timer: TaskTimer) -> Notification:
        due = await task_creation.local_time(session, row.tenant_id, timer.due_at)
        reminder = timer.kind == "reminder"
        return Notification(
            id=str(uuid.uuid5(_NOTICE_NAMESPACE, f"{row.id}:{timer.kind}:{timer.due_at.isoformat()}")),
            tenant_id=row.tenant_id,
            kind="task_reminder" if reminder else "task_overdue",
            title="跟进任务即将到期" if reminder else "跟进任务已逾期",
            body=f"{row.reason[:200]}（截止 {due}）",
            link=f"/api/v1/tasks/{row.id}",
            object_id=row.id,
            audience=ADMINS,
        )


def _announce_timer(session: AsyncSession, row: FollowUpTask, kind: LiveKind) -> None:
    """A live event for the task's owner and the tenant's admins: it falls due soon, or it is overdue."""
    live_events.record(
        session,
        row.tenant_id,
        kind,
        row.id,
        {
            "task_id": row.id,
            "customer_id": row.customer_id,
            "owner_user_id": row.owner_user_id,
            "due_at": row.due_at.isoformat(),
        },
        user_id=row.owner_user_id,
    )
