"""Seed feature 16: one follow-up task's life. Its owner is reminded before the due time, the tenant's admins are
told when it passes (durable timers, not polling), a snooze moves both, and the task closes itself when what it
waits for happens (the customer replies or leaves a lead; an agent takes a handed-off conversation over).

Every change goes through this run (updates `snooze`, `reassign`, `complete`; signal `customer_did`), so a
completion and the customer's reply never race. A timer fires for the due time it was set for: orchestration
skips it when the row says otherwise, and the run follows the row it answers with.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.conversations import OutgoingCheck
    from models.knowledge import KnowledgeHits, KnowledgeQuery
    from models.tasks import (
        CustomerDid,
        FollowUpScriptJob,
        FollowUpTaskInput,
        TaskChange,
        TaskCompletion,
        TaskContext,
        TaskEnd,
        TaskKey,
        TaskReassign,
        TaskScriptRecord,
        TaskSnooze,
        TaskState,
        TaskTimer,
    )
    from workflows import calls


@workflow.defn
class FollowUpTaskWorkflow:
    def __init__(self) -> None:
        self._state: TaskState | None = None
        self._did: list[CustomerDid] = []
        self._changes = 0
        self._lock = asyncio.Lock()
        self._reminders = 0
        self._escalations = 0

    @workflow.run
    async def run(self, input: FollowUpTaskInput) -> TaskEnd:
        self._arg = input
        key = TaskKey(tenant_id=input.tenant_id, task_id=input.task_id)
        self._state = await calls.orchestration(Orchestration.load_follow_up_task, key, policies.TASK_STORE)
        if not self._state.has_script and self._state.context is not None:
            await self._write_script(self._state, self._state.context)
        while self._task().open:
            await self._close_if_customer_did()
            if not self._task().open:
                break
            await self._wait_for_next()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return TaskEnd(status=self._task().status, reminders=self._reminders, escalations=self._escalations)

    @workflow.signal
    def customer_did(self, event: CustomerDid) -> None:
        """The customer replied or left a lead, or an agent took the conversation over (orchestration's task
        dispatch)."""
        self._did.append(event)

    @workflow.update
    async def snooze(self, snooze: TaskSnooze) -> TaskState:
        """`POST /api/v1/tasks/{id}/snooze`: the due time moves, and the reminder and escalation with it."""
        return await self._change("snooze", by=snooze.user_id, until=snooze.until)

    @workflow.update
    async def reassign(self, change: TaskReassign) -> TaskState:
        """`POST /api/v1/tasks/{id}/reassign`: another agent of the tenant owns it."""
        return await self._change("reassign", by=change.user_id, owner_user_id=change.owner_user_id)

    @workflow.update
    async def complete(self, completion: TaskCompletion) -> TaskState:
        """`POST /api/v1/tasks/{id}/complete`: done, with the outcome and a note."""
        return await self._change(
            "complete",
            by=completion.user_id,
            outcome=completion.outcome,
            note=completion.note,
            amount_fen=completion.amount_fen,
        )

    @snooze.validator
    def _may_snooze(self, snooze: TaskSnooze) -> None:
        self._refuse_closed()

    @reassign.validator
    def _may_reassign(self, change: TaskReassign) -> None:
        self._refuse_closed()

    @complete.validator
    def _may_complete(self, completion: TaskCompletion) -> None:
        self._refuse_closed()

    @workflow.query
    def state(self) -> TaskState | None:
        return self._state

    def _refuse_closed(self) -> None:
        if self._state is None or not self._state.open:
            raise ValueError(f"the task is {self._state.status if self._state else 'not loaded yet'}")

    def _task(self) -> TaskState:
        assert self._state is not None
        return self._state

    async def _change(self, action: str, **fields: object) -> TaskState:
        async with self._lock:
            change = TaskChange.model_validate(
                {
                    "tenant_id": self._arg.tenant_id,
                    "task_id": self._arg.task_id,
                    "action": action,
                    "at": workflow.now(),
                    **fields,
                }
            )
            self._state = await calls.orchestration(
                Orchestration.change_follow_up_task, change, policies.TASK_STORE
            )
            self._changes += 1
            return self._state

    async def _wait_for_next(self) -> None:
        """Until the next timer is due, or until something changes the task."""
        seen = self._changes
        timer = self._next_timer()
        woken = lambda: self._changes != seen or bool(self._did) or not self._task().open  # noqa: E731
        if timer is None:
            await workflow.wait_condition(woken)
            return
        kind, at = timer
        wait = at - workflow.now()
        if wait > timedelta(0):
            try:
                await workflow.wait_condition(woken, timeout=wait)
                return
            except TimeoutError:
                pass
        await self._fire(kind)

    def _next_timer(self) -> tuple[str, datetime] | None:
        task = self._task()
        if task.reminded_for != task.due_at:
            return "reminder", task.due_at - timedelta(minutes=self._arg.remind_before_minutes)
        if task.escalated_for != task.due_at:
            return "escalation", task.due_at
        return None

    async def _fire(self, kind: str) -> None:
        async with self._lock:
            task = self._task()
            if not task.open:
                return
            timer = TaskTimer.model_validate(
                {
                    "tenant_id": self._arg.tenant_id,
                    "task_id": task.task_id,
                    "kind": kind,
                    "due_at": task.due_at,
                }
            )
            self._state = await calls.orchestration(Orchestration.fire_task_timer, timer, policies.TASK_STORE)
            if kind == "reminder":
                self._reminders += 1
            else:
                self._escalations += 1

    async def _close_if_customer_did(self) -> None:
        """The first thing since the task was made that the task waits for closes it."""
        while self._did and self._task().open:
            event = self._did.pop(0)
            task = self._task()
            if event.kind not in task.waiting_for or event.at < task.created_at:
                continue
            reason = f"{event.detail or event.kind}（{event.kind}）"
            await self._change("auto_close", reason=reason)

    async def _write_script(self, state: TaskState, context: TaskContext) -> None:
        """The suggested script, grounded in the brand and the knowledge base, as compliance leaves it. A task
        stands without one: a failure here is logged and the timers run."""
        try:
            knowledge = await self._search(context)
            script = await calls.agent(
                AgentCenter.suggest_follow_up_script,
                FollowUpScriptJob(
                    tenant_id=self._arg.tenant_id,
                    reason=state.reason,
                    source=state.source,
                    waiting_for=state.waiting_for,
                    context=context,
                    knowledge=knowledge,
                ),
                policies.MODEL,
            )
            checked = await calls.agent(
                AgentCenter.check_outgoing_message, OutgoingCheck(text=script.text), policies.COMPLIANCE
            )
            record = TaskScriptRecord(
                tenant_id=self._arg.tenant_id,
                task_id=self._arg.task_id,
                text=checked.text,
                cited=script.cited,
                findings=checked.findings,
                blocked=checked.blocked,
            )
            await calls.orchestration(Orchestration.record_task_script, record, policies.TASK_STORE)
        except ActivityError as exc:
            workflow.logger.warning("task %s has no script: %s", self._arg.task_id, exc.cause or exc)

    async def _search(self, context: TaskContext) -> KnowledgeHits:
        said = [m.text for m in context.last_messages if m.author == "customer"][-3:]
        if not said:
            return KnowledgeHits()
        return await calls.content(
            ContentCenter.search_knowledge,
            KnowledgeQuery(tenant_id=self._arg.tenant_id, text="\n".join(said)),
            policies.KNOWLEDGE_READ,
        )
