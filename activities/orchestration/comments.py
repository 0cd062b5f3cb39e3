"""orchestration-service's comment store (seed 10): the comment triage workflow's writes.

Every write is idempotent under retries: a comment is found by (account, Douyin comment id), its outcome is
written over the row, a notification is keyed by the comment it announces.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.orchestration import journey_dispatch
from activities.orchestration.contract import Orchestration
from activities.orchestration.notifications import NotificationActivities
from douflow.content.brands import BrandRepository
from douflow.customers.comments import CommentRepository
from douflow.customers.conversations import AGENTS
from douflow.db.metrics_tables import Notification
from douflow.notify import recipients
from douflow.settings import Settings
from douflow.temporal import ids
from models.comments import CommentOutcome, CommentStored, CommentTriageInput

_NOTICE_NAMESPACE = uuid.UUID("5b0f3d2e-8c4a-4e6b-9f1d-7a2c3e4b5d60")


class CommentActivities(NotificationActivities, Orchestration):
    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def record_comment(self, comment: CommentTriageInput) -> CommentStored:
        workflow_id = ids.comment_triage_workflow_id(comment.account_id, comment.comment_id)
        async with self._sessionmaker() as session:
            row = await CommentRepository(session, comment.tenant_id).store(comment, workflow_id)
            await session.flush()
            stored = CommentStored(
                row_id=row.id,
                brand=await BrandRepository(session, comment.tenant_id).for_account(comment.account_id),
            )
            await session.commit()
        await journey_dispatch.after_comment(self, comment)
        return stored

    @activity.defn
    async def record_comment_outcome(self, outcome: CommentOutcome) -> None:
        """The outcome on the row, and one notification for the tenant's agents when a person should look."""
        async with self._sessionmaker() as session:
            row = await CommentRepository(session, outcome.tenant_id).settle(outcome)
            notice_id = str(uuid.uuid5(_NOTICE_NAMESPACE, outcome.row_id))
            if row is not None and outcome.notify:
                await recipients.address(
                    session,
                    Notification(
                        id=notice_id,
                        tenant_id=outcome.tenant_id,
                        kind="comment_attention",
                        title="评论需要人工处理",
                        body=(outcome.reason or "")[:1000],
                        link=f"/api/v1/comments/{outcome.row_id}",
                        object_id=outcome.row_id,
                        audience=AGENTS,
                    ),
                )
            await session.commit()
            notices = recipients.written(session)
        await self._to_webhooks(outcome.tenant_id, notices)
