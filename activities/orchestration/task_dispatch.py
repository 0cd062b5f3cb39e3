"""What the customer just did, or that an agent took their conversation over, told to the runs of the open
follow-up tasks waiting for it (seed 16).

Called where customer messages and leads are recorded (`record_customer_behaviour`): a message is a `reply`, a
lead left is a `lead`; and where a conversation's state is written (`change_conversation_state`): an agent
taking it over is the `takeover` the task of its unassigned handoff waits for. Each open task that waits for it
gets the `customer_did` signal, and its run closes it with the reason; a task whose run has ended is left alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from douflow.customers.tasks import TaskRepository
from douflow.db.tables import User
from models.conversations import StateChange
from models.customers import BehaviourBatch, CustomerSnapshot
from models.tasks import CustomerDid

SIGNAL = "customer_did"
# Behaviour event types and what a task may wait for.
WAITS = {"message_received": "reply", "lead_left": "lead"}


def did(batch: BehaviourBatch, snapshot: CustomerSnapshot) -> list[CustomerDid]:
    found = [
        CustomerDid(kind="reply", at=event.occurred_at, detail="客户回复了消息")
        for event in batch.events
        if WAITS.get(event.type) == "reply"
    ][:1]
    if snapshot.new_lead:
        found.append(CustomerDid(kind="lead", at=batch.at, detail="客户留下了联系方式"))
    return found


async def customer_did(
    client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
    batch: BehaviourBatch,
    snapshot: CustomerSnapshot,
) -> int:
    """Signals the runs of the customer's open tasks waiting for what they did; how many were told."""
    happened = did(batch, snapshot)
    if not happened:
        return 0
    async with sessionmaker() as session:
        open_tasks = await TaskRepository(session, batch.tenant_id).open_for_customer(snapshot.customer_id)
        targets = [(t.workflow_id, list(t.waiting_for or [])) for t in open_tasks]
    return await _tell(client, targets, happened)


def handoff_ref(conversation_id: str, at: datetime) -> str:
    """The source_ref of the task of one handoff of a conversation: the conversation's id leads it."""
    return f"{_handoffs_of(conversation_id)}{at.isoformat()}"


def _handoffs_of(conversation_id: str) -> str:
    return f"{conversation_id}:"


async def taken_over(
    client: Client, sessionmaker: async_sessionmaker[AsyncSession], change: StateChange
) -> int:
    """An agent took the conversation over: its open handoff tasks close, saying who; how many were told."""
    if change.state != "human":
        return 0
    async with sessionmaker() as session:
        repo = TaskRepository(session, change.tenant_id)
        open_tasks = await repo.open_from("handoff", _handoffs_of(change.conversation_id))
        targets = [(t.workflow_id, list(t.waiting_for or [])) for t in open_tasks]
        user = await session.get(User, change.owner_id) if change.owner_id else None
    if not targets:
        return 0
    ours = user is not None and user.tenant_id == change.tenant_id
    who = (user.display_name or user.username) if user is not None and ours else ""
    event = CustomerDid(kind="takeover", at=change.at, detail=f"客服{who}接手了会话")
    return await _tell(client, targets, [event])


async def _tell(client: Client, targets: list[tuple[str, list[str]]], happened: list[CustomerDid]) -> int:
    told = 0
    for workflow_id, waits in targets:
        for event in happened:
            if event.kind not in waits:
                continue
            try:
                await client.get_workflow_handle(workflow_id).signal(SIGNAL, event)
                told += 1
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
                activity.logger.info("task run %s has ended", workflow_id)
    return told
