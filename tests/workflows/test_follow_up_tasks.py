"""FollowUpTaskWorkflow on the dev server (seed 16): a task made once per source, its owner reminded before the
due time and the admins told when it passes (virtual time: TimeSkipper fast-forwards the run's timers), a snooze
that moves both, and a task that closes itself when the customer replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import TimeSkipper, WorkflowEnvironment

from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer
from douflow.settings import Settings
from models.customers import BehaviourBatch, BehaviourEvent, CustomerSaid
from models.tasks import TaskEnd, TaskSnooze, TaskState
from tests.support.polling import eventually
from tests.support.tasks import activities, desk, handle_of, new_task, notices, scripted, task_row

pytestmark = pytest.mark.timeout(120)


async def test_the_owner_is_reminded_before_the_due_time_and_the_admins_told_when_it_passes(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    where = await desk(sessionmaker, "remind")
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    ref = await orchestration.create_follow_up_task(new_task(where, due_in=timedelta(hours=2)))
    handle = handle_of(temporal_env.client, ref)
    await scripted(sessionmaker, ref.task_id)
    skipper = TimeSkipper(temporal_env.client)

    before = await notices(sessionmaker, ref.task_id)
    await skipper.fast_forward(handle, timedelta(minutes=80))
    early = await notices(sessionmaker, ref.task_id)
    await skipper.fast_forward(handle, timedelta(minutes=15))
    reminded = await eventually(lambda: notices(sessionmaker, ref.task_id), lambda n: len(n) >= 2)
    await skipper.fast_forward(handle, timedelta(minutes=30))
    escalated = await eventually(lambda: notices(sessionmaker, ref.task_id), lambda n: len(n) >= 3)

    assert ref.created and ref.owner_user_id == where.agent_id, "the available agent got it"
    assert before == early == [("task_assigned", [where.agent_id])], "nothing before 30 minutes ahead"
    assert reminded[1] == ("task_reminder", [where.agent_id])
    assert escalated[2] == ("task_overdue", [where.admin_id])
    row = await task_row(sessionmaker, ref.task_id)
    assert row.reminded_for == row.due_at == row.escalated_for and row.status == "open"


async def test_a_snooze_moves_the_reminder_and_the_escalation(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    where = await desk(sessionmaker, "snooze")
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    ref = await orchestration.create_follow_up_task(new_task(where, due_in=timedelta(hours=1)))
    handle = handle_of(temporal_env.client, ref)
    await scripted(sessionmaker, ref.task_id)
    skipper = TimeSkipper(temporal_env.client)

    until = (await task_row(sessionmaker, ref.task_id)).due_at + timedelta(days=1)
    state = await handle.execute_update(
        "snooze", TaskSnooze(user_id=where.agent_id, until=until), result_type=TaskState
    )
    await skipper.fast_forward(handle, timedelta(hours=3))
    after_old_due = await notices(sessionmaker, ref.task_id)
    await skipper.fast_forward(handle, timedelta(days=1))
    moved = await eventually(lambda: notices(sessionmaker, ref.task_id), lambda n: len(n) >= 3)

    assert state.status == "snoozed" and state.due_at == until
    assert [kind for kind, _ in after_old_due] == ["task_assigned"], "the old due time fires nothing"
    assert [kind for kind, _ in moved] == ["task_assigned", "task_reminder", "task_overdue"]
    assert (await task_row(sessionmaker, ref.task_id)).status == "open"


async def test_a_task_waiting_for_a_reply_closes_itself_when_the_customer_writes(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    where = await desk(sessionmaker, "autoclose")
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    waiting = await orchestration.create_follow_up_task(new_task(where, waiting_for=["reply"]))
    lead_only = await orchestration.create_follow_up_task(new_task(where, waiting_for=["lead"]))
    await scripted(sessionmaker, waiting.task_id)
    async with sessionmaker() as session:
        customer = await session.get(Customer, where.customer_id)
        assert customer is not None
        open_id = customer.open_id

    now = utcnow()
    event = BehaviourEvent(type="message_received", source_key=f"msg:{open_id}:1", occurred_at=now)
    await orchestration.record_customer_behaviour(
        BehaviourBatch(tenant_id=where.tenant_id, customer_open_id=open_id, events=[event], at=now)
    )
    result = await temporal_env.client.get_workflow_handle(
        handle_of(temporal_env.client, waiting).id, result_type=TaskEnd
    ).result()

    closed = await task_row(sessionmaker, waiting.task_id)
    still_open = (await task_row(sessionmaker, lead_only.task_id)).status
    said = CustomerSaid(msg_id=f"msg:{open_id}:2", text="我电话13800138000", at=utcnow())
    await orchestration.record_customer_behaviour(
        BehaviourBatch(tenant_id=where.tenant_id, customer_open_id=open_id, said=[said], at=said.at)
    )
    lead_end = await temporal_env.client.get_workflow_handle(
        handle_of(temporal_env.client, lead_only).id, result_type=TaskEnd
    ).result()

    assert result.status == "auto_closed" and closed.status == "auto_closed"
    assert closed.closed_reason is not None and "reply" in closed.closed_reason
    assert still_open == "open", "it waits for a lead, not a reply"
    assert lead_end.status == "auto_closed"
    assert "lead" in ((await task_row(sessionmaker, lead_only.task_id)).closed_reason or "")


async def test_making_a_task_twice_from_one_source_makes_one(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    where = await desk(sessionmaker, "once", available=False)
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    new = new_task(where, source_ref="journey-7:step-3")

    first = await orchestration.create_follow_up_task(new)
    second = await orchestration.create_follow_up_task(new)

    assert first.created and not second.created and first.task_id == second.task_id
    assert first.owner_user_id == where.admin_id, "no agent available: an admin owns it"
    row = await scripted(sessionmaker, first.task_id)
    assert row.script is not None and "小王" in row.script
