"""The hourly media cleanup: its schedule (paused in tests) and one run of its workflow through the stack."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import ScheduleActionStartWorkflow, ScheduleDescription
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from douflow.accounts import ensure_tenant
from douflow.db.tables import ContentAsset
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal.client import queue
from douflow.temporal.ids import media_cleanup_schedule_id
from douflow.temporal.queues import ORCHESTRATION
from douflow.temporal.schedules.media import CLEANUP_INTERVAL
from models.media import MediaCleanupInput, MediaCleanupResult
from tests.support.polling import eventually

# Far older than anything the other tests upload, whose unattached uploads must survive this run.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
TEN_YEARS_IN_HOURS = 10 * 365 * 24


async def test_the_orchestration_worker_ensures_a_paused_hourly_schedule(
    temporal_env: WorkflowEnvironment, settings: Settings, bff_url: str
) -> None:
    handle = temporal_env.client.get_schedule_handle(media_cleanup_schedule_id(settings.task_queue_prefix))

    async def described() -> ScheduleDescription | None:
        try:
            return await handle.describe()
        except RPCError:
            return None

    schedule = (await eventually(described)).schedule
    action = schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert (action.workflow, action.task_queue) == ("MediaCleanupWorkflow", queue(settings, ORCHESTRATION))
    assert [spec.every for spec in schedule.spec.intervals] == [CLEANUP_INTERVAL]
    assert schedule.state.paused, "MEDIA_CLEANUP_SCHEDULE_PAUSED holds in tests"


async def test_a_cleanup_run_removes_what_has_been_unattached_too_long(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    media = LocalMediaStore(settings.media_dir)
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, "media-cleanup")
        stored = await media.put(b"RIFF....WEBP", tenant_id=tenant.id, suffix=".webp", mime_type="image/webp")
        old = ContentAsset(
            tenant_id=tenant.id, role="image", storage_key=stored.key, mime_type="image/webp",
            size_bytes=stored.size_bytes, source="upload", created_by="u1", created_at=LONG_AGO,
        )  # fmt: skip
        session.add(old)
        await session.commit()

    result = await temporal_env.client.execute_workflow(
        "MediaCleanupWorkflow",
        MediaCleanupInput(grace_hours=TEN_YEARS_IN_HOURS),
        id=f"media-cleanup-test-{uuid.uuid4().hex}",
        task_queue=queue(settings, ORCHESTRATION),
        result_type=MediaCleanupResult,
        execution_timeout=timedelta(minutes=2),
    )

    assert result.removed >= 1 and result.batches >= 1
    assert not media.path(stored.key).exists()
    async with sessionmaker() as session:
        assert await session.get(ContentAsset, old.id) is None
