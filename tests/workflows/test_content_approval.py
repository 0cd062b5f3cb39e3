"""ContentApprovalWorkflow through the stack: reviewers reminded on a timer, a decision as an update, and a
review that an edit made void."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from douflow.content import approvals
from douflow.db.base import utcnow
from douflow.db.metrics_tables import Notification
from douflow.db.tables import Content
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal import starts
from models.approval import ApprovalInput, ApprovalResult, RecordedDecision, ReviewDecision
from tests.support.auth import create_user
from tests.support.polling import eventually
from tests.support.publishing import image_post


async def _submitted(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, title: str
) -> Content:
    tenant_id, user_id = await create_user(sessionmaker, "approval-runs", "ora", "operator")
    media = LocalMediaStore(settings.media_dir)
    content_id = await image_post(sessionmaker, media, tenant_id, user_id, title=title, images=1)
    async with sessionmaker() as session:
        content = await session.get(Content, content_id)
        assert content is not None
        approvals.submit(content, utcnow())
        await session.commit()
        return content


async def _start(
    temporal_env: WorkflowEnvironment, settings: Settings, content: Content
) -> WorkflowHandle[object, object]:
    arg = ApprovalInput(
        tenant_id=content.tenant_id,
        content_id=content.id,
        version=content.current_version,
        submitted_by=content.created_by,
        remind_after=timedelta(seconds=1),
    )
    run = starts.content_approval(arg, title=content.title)
    return await starts.start(temporal_env.client, settings, run, result_type=ApprovalResult)


async def _kinds(sessionmaker: async_sessionmaker[AsyncSession], content_id: str) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.object_id == content_id).order_by(Notification.created_at)
        )
        return [r.kind for r in rows]


async def test_reviewers_are_reminded_until_one_decides(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    content = await _submitted(sessionmaker, settings, "提醒审核")
    handle = await _start(temporal_env, settings, content)

    kinds = await eventually(lambda: _kinds(sessionmaker, content.id), lambda k: len(k) >= 2, within=30)
    recorded = await handle.execute_update(
        "decide",
        ReviewDecision(reviewer_id="rev-1", verdict="approve", comment="可以发"),
        result_type=RecordedDecision,
    )
    result = await handle.result()

    assert kinds[:2] == ["approval_requested", "approval_reminder"]
    assert isinstance(recorded, RecordedDecision) and recorded.applied and recorded.state == "approved"
    assert isinstance(result, ApprovalResult) and result.end == "approved" and result.by == "rev-1"
    assert result.reminders >= 1
    async with sessionmaker() as session:
        stored = await session.get(Content, content.id)
        assert stored is not None and approvals.is_approved(stored) and stored.approval_by == "rev-1"


async def test_an_edit_voids_the_review_and_the_next_reminder_ends_it(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    content = await _submitted(sessionmaker, settings, "改后作废")
    handle = await _start(temporal_env, settings, content)
    await eventually(lambda: _kinds(sessionmaker, content.id))
    async with sessionmaker() as session:
        stored = await session.get(Content, content.id)
        assert stored is not None
        stored.current_version += 1
        approvals.reset_after_edit(stored)
        await session.commit()

    result = await handle.result()

    assert isinstance(result, ApprovalResult) and result.end == "superseded" and result.by is None
