"""Follow-up tasks (seed 16): my tasks by status and due time (all of the tenant's for admins), a task an agent
makes by hand, and the owner's moves: complete with an outcome, snooze, reassign.

A task's changes go through its run (`task-{id}`, updates), which moves its reminder and escalation with them and
serialises them with the customer's own actions; these routes read the rows and ask the run.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import SessionDep, SettingsDep, TemporalDep, require_role
from api.gateway_bff.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.tasks import (
    FollowUpTaskDetail,
    TaskCompletion,
    TaskCreate,
    TaskPage,
    TaskReassign,
    TaskSnooze,
)
from douflow.customers import task_creation, tasks
from douflow.customers.conversations import AGENT_ROLES
from douflow.customers.tasks import DueFilter, TaskProblem, TaskRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer, Lead
from douflow.db.tables import DouyinAccount
from douflow.db.task_tables import FollowUpTask
from douflow.notify import digests, recipients
from douflow.security.tokens import Principal
from douflow.temporal import starts
from models import tasks as task_models
from models.tasks import TaskStatus

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"], route_class=GuardedRoute)
# Who works customers: admins, operators and customer-service agents; admins see everyone's tasks.
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]
MAX_OFFSET = 100_000


async def _load(session: SessionDep, user: Principal, task_id: str) -> FollowUpTask:
    row = await TaskRepository(session, user.tenant_id).get(task_id)
    if row is None or (user.role != "admin" and row.owner_user_id != user.user_id):
        raise NotFound(f"task {task_id} not found")
    return row


@router.get("", responses=answers(403))
async def list_tasks(
    user: Agent,
    session: SessionDep,
    status: Annotated[list[TaskStatus] | None, Query()] = None,
    due: DueFilter | None = None,
    scope: Literal["mine", "all"] = "mine",
    customer_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> TaskPage:
    """The caller's tasks, soonest due first (`scope=all`: the tenant's, admins only); `status` (repeatable),
    `due` (`overdue`: open and past due; `today`: due today in the tenant's time zone) and `customer_id`
    (one customer's, for their card) filter them."""
    if scope == "all" and user.role != "admin":
        raise Forbidden("only admins list everyone's tasks")
    rows = await TaskRepository(session, user.tenant_id).list(
        owner_user_id=None if scope == "all" else user.user_id,
        status=status or [],
        due=due,
        now=utcnow(),
        limit=limit,
        offset=offset,
        customer_id=customer_id,
    )
    now = utcnow()
    return TaskPage(items=[tasks.view_of(r, now) for r in rows], limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(404, 409, 422))
async def create_task(
    body: TaskCreate,
    user: Agent,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    key: runner.Key,
) -> FollowUpTaskDetail:
    """A follow-up task the caller makes (owner: the caller unless another agent is named), built like the
    automatic ones: the customer's snapshot, the suggested script (written by its run shortly after), the
    reminder before `due_at`, the escalation when it passes, and closing itself on what it waits for. An
    Idempotency-Key makes a retried request answer the same task."""
    now = utcnow()
    if body.due_at <= now:
        raise Unprocessable("due_at: must be in the future")
    customer_id = await _customer_of(session, user, body)
    if body.account_id is not None:
        account = await session.get(DouyinAccount, body.account_id)
        if account is None or account.tenant_id != user.tenant_id:
            raise NotFound(f"account {body.account_id} not found")
    owner = body.owner_user_id or user.user_id
    if not await tasks.is_agent(session, user.tenant_id, owner):
        raise Unprocessable(f"owner_user_id: {owner} is not an agent of the tenant")
    new = task_models.NewFollowUpTask(
        tenant_id=user.tenant_id,
        customer_id=customer_id,
        account_id=body.account_id,
        reason=body.reason,
        source="agent",
        # One task per request: a retry with the caller's key finds it (the key names the run too).
        source_ref=f"{user.user_id}:{key.value}",
        due_at=body.due_at,
        owner_user_id=owner,
        waiting_for=list(body.waiting_for),
    )
    try:
        row, _ = await task_creation.make(session, new, now, notify_owner=owner != user.user_id)
    except TaskProblem as exc:
        raise NotFound(str(exc)) from exc
    await session.commit()
    items = recipients.written(session)
    arg = task_models.FollowUpTaskInput(
        tenant_id=user.tenant_id, task_id=row.id, remind_before_minutes=settings.task_reminder_minutes
    )
    await runner.start(temporal, settings, starts.follow_up_task(arg), key=key)
    await digests.to_webhooks(temporal, settings, session, user.tenant_id, items)
    return tasks.detail_of(row, utcnow())


async def _customer_of(session: SessionDep, user: Principal, body: TaskCreate) -> str:
    """The customer the task is for, of the caller's tenant (a lead names its customer)."""
    if body.lead_id is not None:
        lead = await session.get(Lead, body.lead_id)
        if lead is None or lead.tenant_id != user.tenant_id:
            raise NotFound(f"lead {body.lead_id} not found")
        return lead.customer_id
    customer = await session.get(Customer, body.customer_id)
    if customer is None or customer.tenant_id != user.tenant_id:
        raise NotFound(f"customer {body.customer_id} not found")
    return customer.id


@router.get("/{task_id}", responses=answers(404))
async def get_task(task_id: str, user: Agent, session: SessionDep) -> FollowUpTaskDetail:
    """The task with its context snapshot (customer, score and why, last messages, leads) and its script."""
    return tasks.detail_of(await _load(session, user, task_id), utcnow())


@router.post("/{task_id}/complete", responses=answers(404, 409))
async def complete_task(
    task_id: str, body: TaskCompletion, user: Agent, session: SessionDep, temporal: TemporalDep
) -> FollowUpTaskDetail:
    """Done, with the outcome (`won` records the customer's deal of `amount_fen`) and a note."""
    row = await _load(session, user, task_id)
    arg = task_models.TaskCompletion(
        user_id=user.user_id, outcome=body.outcome, note=body.note, amount_fen=body.amount_fen
    )
    return await _update(session, temporal, row, "complete", arg)


@router.post("/{task_id}/snooze", responses=answers(404, 409, 422))
async def snooze_task(
    task_id: str, body: TaskSnooze, user: Agent, session: SessionDep, temporal: TemporalDep
) -> FollowUpTaskDetail:
    """Due later: the reminder and the escalation move to the new due time."""
    row = await _load(session, user, task_id)
    if body.until <= utcnow():
        raise Unprocessable("until: must be in the future")
    arg = task_models.TaskSnooze(user_id=user.user_id, until=body.until)
    return await _update(session, temporal, row, "snooze", arg)


@router.post("/{task_id}/reassign", responses=answers(404, 409, 422))
async def reassign_task(
    task_id: str, body: TaskReassign, user: Agent, session: SessionDep, temporal: TemporalDep
) -> FollowUpTaskDetail:
    """Another agent of the tenant owns it (they are notified)."""
    row = await _load(session, user, task_id)
    if not await tasks.is_agent(session, user.tenant_id, body.owner_user_id):
        raise Unprocessable(f"owner_user_id: {body.owner_user_id} is not an agent of the tenant")
    arg = task_models.TaskReassign(user_id=user.user_id, owner_user_id=body.owner_user_id)
    return await _update(session, temporal, row, "reassign", arg)


async def _update(
    session: SessionDep, temporal: TemporalDep, row: FollowUpTask, name: str, arg: BaseModel
) -> FollowUpTaskDetail:
    """An update of the task's run; a closed task (its run ended) or a refused change is a 409."""
    if row.status not in task_models.OPEN_STATUSES:
        raise Conflict(f"task {row.id} is {row.status}")
    handle = temporal.get_workflow_handle(row.workflow_id)
    try:
        await handle.execute_update(name, arg, result_type=task_models.TaskState)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise Conflict(f"the task refused it: {getattr(cause, 'message', None) or cause}") from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise Conflict(f"task {row.id} is closed") from exc
        raise
    await session.refresh(row)
    return tasks.detail_of(row, utcnow())
