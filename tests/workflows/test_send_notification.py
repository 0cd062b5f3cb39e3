"""Orchestration.send_notification (seed 16): a run's notification goes to the users it names, or to its audience
resolved to users when it is written, never to another tenant's people."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.orchestration.activities import OrchestrationActivities
from douflow.settings import Settings
from models.notifications import NewNotification
from tests.support.auth import create_user
from tests.support.tasks import notices
from tests.workflows.notify_probe import NotifyProbeWorkflow


async def test_a_runs_notification_reaches_the_named_users_or_its_audience(
    temporal_env: WorkflowEnvironment, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    slug = f"send-{uuid.uuid4().hex[:8]}"
    tenant_id, admin = await create_user(sessionmaker, slug, "ada", "admin")
    _, agent = await create_user(sessionmaker, slug, "agnes", "agent")
    _, reviewer = await create_user(sessionmaker, slug, "rita", "reviewer")
    _, stranger = await create_user(sessionmaker, f"other-{slug}", "sam", "admin")
    subject = f"customer-{uuid.uuid4().hex[:8]}"
    sent = [
        NewNotification(
            tenant_id=tenant_id, kind="hot_lead", title="热线索", body="", link="", object_id=subject,
            recipient_user_ids=[agent, stranger], audience=None,
        ),
        NewNotification(
            tenant_id=tenant_id, kind="task_overdue", title="逾期", body="", link="", object_id=subject,
            recipient_user_ids=None, audience="admins",
        ),
        NewNotification(
            tenant_id=tenant_id, kind="handoff", title="转人工", body="", link="", object_id=subject,
            recipient_user_ids=None, audience="agents",
        ),
    ]  # fmt: skip
    queue = f"probe{uuid.uuid4().hex[:8]}-orchestration"
    probe = OrchestrationActivities(temporal_env.client, settings, sessionmaker)
    async with Worker(
        temporal_env.client,
        task_queue=queue,
        workflows=[NotifyProbeWorkflow],
        activities=[probe.send_notification],
    ):
        await temporal_env.client.execute_workflow(
            NotifyProbeWorkflow.run, sent, id=f"probe-{subject}", task_queue=queue
        )

    assert await notices(sessionmaker, subject) == [
        ("hot_lead", [agent]),
        ("task_overdue", [admin]),
        ("handoff", sorted([admin, agent])),
    ], "named users of the tenant only; audiences resolved now (the reviewer works no conversations)"
    assert reviewer not in {u for _, users in await notices(sessionmaker, subject) for u in users}
