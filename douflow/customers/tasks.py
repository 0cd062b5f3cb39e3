"""Follow-up tasks (seed 16), tenant-scoped: made once per (source, source_ref), given to an owner, changed only
by the rules below. Flushes; the caller commits.

Who owns a new task: the user asked for when they may work customers, else the next available agent in the
handoff round-robin (assignment.py), else the tenant's first admin, so a task is never nobody's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.brands import BrandRepository
from douflow.customers.assignment import AgentDesk
from douflow.customers.behaviour import BehaviourRepository, ScoringRuleRepository
from douflow.customers.conversations import AGENT_ROLES
from douflow.customers.deals import DealRepository
from douflow.customers.scoring import score, top_score
from douflow.db.conversation_tables import Conversation, ConversationMessage, Customer, Lead
from douflow.db.tables import Tenant, User
from douflow.db.task_tables import FollowUpTask
from models.tasks import (
    OPEN_STATUSES,
    FollowUpTaskDetail,
    FollowUpTaskView,
    LastMessage,
    LeadFields,
    NewFollowUpTask,
    ScoreReason,
    TaskChange,
    TaskContext,
    TaskState,
    TaskStatus,
)

LAST_MESSAGES = 10
EXPLANATION_PARTS = 5
DueFilter = Literal["overdue", "today"]


class TaskProblem(Exception):
    """A change the task's state does not allow (closed already, an owner who is not the tenant's agent)."""


class TaskRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, task_id: str) -> FollowUpTask | None:
        row = await self._session.get(FollowUpTask, task_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def by_source(self, source: str, source_ref: str) -> FollowUpTask | None:
        found: FollowUpTask | None = await self._session.scalar(
            select(FollowUpTask).where(
                FollowUpTask.tenant_id == self._tenant_id,
                FollowUpTask.source == source,
                FollowUpTask.source_ref == source_ref,
            )
        )
        return found

    async def create(
        self, new: NewFollowUpTask, owner: str | None, context: TaskContext, workflow_id: str, task_id: str
    ) -> tuple[FollowUpTask, bool]:
        """The task, or the one made before under its source (a concurrent creation loses to it)."""
        existing = await self.by_source(new.source, new.source_ref)
        if existing is not None:
            return existing, False
        row = FollowUpTask(
            id=task_id,
            tenant_id=self._tenant_id,
            customer_id=new.customer_id,
            account_id=new.account_id,
            owner_user_id=owner,
            reason=new.reason,
            source=new.source,
            source_ref=new.source_ref,
            waiting_for=list(dict.fromkeys(new.waiting_for)),
            status="open",
            due_at=new.due_at,
            context=context.model_dump(mode="json"),
            workflow_id=workflow_id,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            existing = await self.by_source(new.source, new.source_ref)
            if existing is None:
                raise
            return existing, False
        return row, True

    async def open_for_customer(self, customer_id: str) -> Sequence[FollowUpTask]:
        rows = await self._session.scalars(
            select(FollowUpTask).where(
                FollowUpTask.tenant_id == self._tenant_id,
                FollowUpTask.customer_id == customer_id,
                FollowUpTask.status.in_(OPEN_STATUSES),
            )
        )
        return rows.all()

    async def open_from(self, source: str, ref_prefix: str) -> Sequence[FollowUpTask]:
        """The open tasks of a source whose source_ref starts with the prefix (a handoff's: its conversation)."""
        rows = await self._session.scalars(
            select(FollowUpTask).where(
                FollowUpTask.tenant_id == self._tenant_id,
                FollowUpTask.source == source,
                FollowUpTask.source_ref.startswith(ref_prefix, autoescape=True),
                FollowUpTask.status.in_(OPEN_STATUSES),
            )
        )
        return rows.all()

    async def list(
        self,
        *,
        owner_user_id: str | None,
        status: Sequence[TaskStatus],
        due: DueFilter | None,
        now: datetime,
        limit: int,
        offset: int,
        customer_id: str | None = None,
    ) -> Sequence[FollowUpTask]:
        """Soonest due first; `owner_user_id` None: everyone's; `customer_id`: one customer's (their card)."""
        query = select(FollowUpTask).where(FollowUpTask.tenant_id == self._tenant_id)
        if owner_user_id is not None:
            query = query.where(FollowUpTask.owner_user_id == owner_user_id)
        if customer_id is not None:
            query = query.where(FollowUpTask.customer_id == customer_id)
        if status:
            query = query.where(FollowUpTask.status.in_(list(status)))
        if due == "overdue":
            query = query.where(FollowUpTask.due_at < now, FollowUpTask.status.in_(OPEN_STATUSES))
        elif due == "today":
            start, end = await self._today(now)
            query = query.where(FollowUpTask.due_at >= start, FollowUpTask.due_at < end)
        rows = await self._session.scalars(
            query.order_by(FollowUpTask.due_at, FollowUpTask.id).limit(limit).offset(offset)
        )
        return rows.all()

    async def apply(self, change: TaskChange) -> FollowUpTask:
        """One change, by the rules: only an open (or snoozed) task changes; a closed one stays as it is."""
        row = await self.get(change.task_id)
        if row is None:
            raise TaskProblem(f"task {change.task_id} not found")
        if row.status not in OPEN_STATUSES:
            if change.action == "auto_close":
                return row  # the customer acted after the task closed: nothing to do
            raise TaskProblem(f"task {row.id} is {row.status}")
        if change.action == "snooze":
            if change.until is None or change.until <= change.at:
                raise TaskProblem("until must be in the future")
            row.due_at, row.status = change.until, "snoozed"
        elif change.action == "reassign":
            owner = change.owner_user_id
            if owner is None or not await is_agent(self._session, self._tenant_id, owner):
                raise TaskProblem(f"user {owner} is not an agent of the tenant")
            row.owner_user_id = owner
        elif change.action == "complete":
            row.status, row.outcome, row.outcome_note = "done", change.outcome or "other", change.note or None
            row.closed_by, row.closed_at, row.closed_reason = (
                change.by,
                change.at,
                f"completed: {row.outcome}",
            )
            if row.outcome == "won":
                row.deal_id = await record_won(
                    self._session, row, change.by, change.note, change.amount_fen, change.at
                )
        elif change.action == "auto_close":
            row.status, row.closed_at, row.closed_reason = "auto_closed", change.at, change.reason
        return row

    async def _today(self, now: datetime) -> tuple[datetime, datetime]:
        tenant = await self._session.get(Tenant, self._tenant_id)
        zone = ZoneInfo(tenant.timezone if tenant is not None and tenant.timezone else "Asia/Shanghai")
        local = now.astimezone(zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)


async def record_won(
    session: AsyncSession,
    task: FollowUpTask,
    user_id: str | None,
    note: str,
    amount_fen: int | None,
    at: datetime,
) -> str | None:
    """A task completed as `won` is a deal of its customer, credited to their latest lead (the funnel counts it
    there); recording the same task again answers the same deal. Without an amount there is no deal to count."""
    if amount_fen is None:
        return None
    lead_id = await session.scalar(
        select(Lead.id)
        .where(Lead.tenant_id == task.tenant_id, Lead.customer_id == task.customer_id)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(1)
    )
    deal = await DealRepository(session, task.tenant_id).record(
        task.customer_id,
        user_id or task.owner_user_id or "",
        amount_fen,
        at,
        lead_id=lead_id,
        task_id=task.id,
        note=note,
    )
    return deal.id


async def is_agent(session: AsyncSession, tenant_id: str, user_id: str) -> bool:
    """Whether the user is an enabled person of the tenant who works customers."""
    user = await session.get(User, user_id)
    return user is not None and user.tenant_id == tenant_id and not user.disabled and user.role in AGENT_ROLES


async def pick_owner(session: AsyncSession, tenant_id: str, asked: str | None, now: datetime) -> str | None:
    if asked is not None and await is_agent(session, tenant_id, asked):
        return asked
    agent = await AgentDesk(session, tenant_id).next_agent(now)
    if agent is not None:
        return agent
    admins = await admin_ids(session, tenant_id)
    return admins[0] if admins else None


async def admin_ids(session: AsyncSession, tenant_id: str) -> list[str]:
    rows = await session.scalars(
        select(User.id)
        .where(User.tenant_id == tenant_id, User.role == "admin", User.disabled.is_(False))
        .order_by(User.created_at, User.id)
    )
    return list(rows.all())


async def snapshot(
    session: AsyncSession, tenant_id: str, customer_id: str, account_id: str | None, now: datetime
) -> TaskContext:
    """The customer at the task's creation: score and level with what made them, last messages, leads, and
    the brand the account speaks for."""
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.tenant_id != tenant_id:
        raise TaskProblem(f"customer {customer_id} not found")
    behaviour = BehaviourRepository(session, tenant_id)
    rules = await ScoringRuleRepository(session, tenant_id).rules()
    card = score((await behaviour.happened([customer_id]))[customer_id], rules, now)
    parts = sorted(card.contributions, key=lambda c: (-c.decayed, c.occurred_at))[:EXPLANATION_PARTS]
    leads = await behaviour.leads(customer_id, limit=5)
    return TaskContext(
        customer_id=customer.id,
        nickname=customer.nickname,
        tags=list(customer.tags or []),
        level=card.level,
        score=top_score(card),
        explanation=[
            ScoreReason(
                event_type=c.event_type, occurred_at=c.occurred_at, points=c.points, decayed=c.decayed
            )
            for c in parts
        ],
        last_messages=await _last_messages(session, tenant_id, customer_id, account_id),
        leads=[LeadFields(phone=x.phone, wechat=x.wechat, name=x.name, at=x.created_at) for x in leads],
        brand=await BrandRepository(session, tenant_id).for_account(account_id) if account_id else None,
    )


async def _last_messages(
    session: AsyncSession, tenant_id: str, customer_id: str, account_id: str | None
) -> list[LastMessage]:
    query = (
        select(ConversationMessage)
        .join(Conversation, Conversation.id == ConversationMessage.conversation_id)
        .where(
            ConversationMessage.tenant_id == tenant_id,
            Conversation.tenant_id == tenant_id,
            Conversation.customer_id == customer_id,
            ConversationMessage.text != "",
        )
    )
    if account_id is not None:
        query = query.where(Conversation.account_id == account_id)
    rows = await session.scalars(
        query.order_by(ConversationMessage.created_at.desc(), ConversationMessage.id.desc()).limit(
            LAST_MESSAGES
        )
    )
    return [LastMessage(author=m.author, text=m.text, at=m.created_at) for m in reversed(rows.all())]


def state_of(row: FollowUpTask, *, with_context: bool = False) -> TaskState:
    return TaskState(
        task_id=row.id,
        status=row.status,
        due_at=row.due_at,
        owner_user_id=row.owner_user_id,
        waiting_for=list(row.waiting_for or []),  # type: ignore[arg-type]
        created_at=row.created_at,
        reminded_for=row.reminded_for,
        escalated_for=row.escalated_for,
        has_script=row.script is not None,
        reason=row.reason,
        source=row.source,
        context=TaskContext.model_validate(row.context) if with_context and row.context else None,
    )


def view_of(row: FollowUpTask, now: datetime) -> FollowUpTaskView:
    return FollowUpTaskView.model_validate(_fields(row, now))


def detail_of(row: FollowUpTask, now: datetime) -> FollowUpTaskDetail:
    context = TaskContext.model_validate(row.context) if row.context else None
    return FollowUpTaskDetail.model_validate(
        {**_fields(row, now), "context": context, "deal_id": row.deal_id}
    )


def _fields(row: FollowUpTask, now: datetime) -> dict[str, object]:
    return {
        "id": row.id,
        "customer_id": row.customer_id,
        "account_id": row.account_id,
        "owner_user_id": row.owner_user_id,
        "reason": row.reason,
        "source": row.source,
        "source_ref": row.source_ref,
        "waiting_for": list(row.waiting_for or []),
        "status": row.status,
        "due_at": row.due_at,
        "overdue": row.status in OPEN_STATUSES and row.due_at < now,
        "outcome": row.outcome,
        "outcome_note": row.outcome_note,
        "closed_reason": row.closed_reason,
        "closed_at": row.closed_at,
        "script": row.script,
        "script_findings": list(row.script_findings or []),
        "created_at": row.created_at,
    }
