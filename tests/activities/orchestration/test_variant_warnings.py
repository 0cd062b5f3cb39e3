"""Auto-scheduled replication variants are planned before approval, with a warning the notification carries."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.content.replication import _schedule_text
from activities.orchestration.activities import _approval_warnings
from douflow.accounts import ensure_tenant
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from models.replication import FinishReplication, VariantSchedule
from tests.support.publishing import image_post


async def test_variants_of_a_tenant_requiring_approval_are_planned_with_a_warning(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessionmaker() as session:
        strict = await ensure_tenant(session, "variants-strict")
        strict.approval_required = True
        lenient = await ensure_tenant(session, "variants-lenient")
        await session.commit()
        strict_id, lenient_id = strict.id, lenient.id
    media = LocalMediaStore(settings.media_dir)
    held = await image_post(sessionmaker, media, strict_id, "u1", title="变体一")
    free = await image_post(sessionmaker, media, lenient_id, "u1", title="变体二")

    async with sessionmaker() as session:
        warnings = await _approval_warnings(session, strict_id, [held])
        none = await _approval_warnings(session, lenient_id, [free])

    assert len(warnings) == 1 and "not approved" in warnings[0] and "skipped unless" in warnings[0]
    assert none == []
    schedule = VariantSchedule(
        status="scheduled", entry_ids=["e1"], run_at=[datetime(2030, 1, 1, tzinfo=UTC)], warnings=warnings
    )
    finish = FinishReplication(tenant_id=strict_id, replication_id="r1", status="done", schedule=schedule)
    assert "1 条需先经审核批准" in _schedule_text(finish, ZoneInfo("Asia/Shanghai"))
