"""Removing uploads attached to no content, on a real database and media store, at a chosen "now"."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.content.activities import ContentActivities
from douflow.accounts import ensure_tenant
from douflow.db.tables import AuditEvent, Content, ContentAsset
from douflow.media import LocalMediaStore
from models.media import RemovedMedia, UnattachedMedia

# Far before anything other tests store, so the batches below only ever see this module's rows.
NOW = datetime(1990, 6, 1, tzinfo=UTC)


async def _asset(
    sessionmaker: async_sessionmaker[AsyncSession],
    media: LocalMediaStore,
    tenant_id: str,
    age: timedelta,
    *,
    content_id: str | None = None,
    source: str = "upload",
) -> tuple[str, Path]:
    stored = await media.put(b"\x89PNG...", tenant_id=tenant_id, suffix=".png", mime_type="image/png")
    async with sessionmaker() as session:
        asset = ContentAsset(
            tenant_id=tenant_id, content_id=content_id, role="image", storage_key=stored.key,
            mime_type="image/png", size_bytes=stored.size_bytes, source=source, created_by="u1",
            created_at=NOW - age,
        )  # fmt: skip
        session.add(asset)
        await session.commit()
        return asset.id, media.path(stored.key)


async def _tenant_with_content(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[str, str]:
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, f"media-{uuid.uuid4().hex[:8]}")
        content = Content(
            id=str(uuid.uuid4()),
            tenant_id=tenant.id,
            kind="image_post",
            title="t",
            topic="t",
            created_by="u1",
        )
        session.add(content)
        await session.commit()
        return tenant.id, content.id


async def test_only_uploads_unattached_past_the_grace_period_are_removed_in_batches(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    media = LocalMediaStore(tmp_path)
    activities = ContentActivities(sessionmaker, media)
    tenant_id, content_id = await _tenant_with_content(sessionmaker)
    grace = timedelta(hours=24)
    expired = [await _asset(sessionmaker, media, tenant_id, grace + timedelta(hours=h)) for h in (3, 2, 1)]
    recent = await _asset(sessionmaker, media, tenant_id, grace - timedelta(minutes=1))
    attached = await _asset(sessionmaker, media, tenant_id, grace * 10, content_id=content_id)
    generated = await _asset(sessionmaker, media, tenant_id, grace * 10, source="generated")
    batch = UnattachedMedia(older_than=NOW - grace, limit=2)
    size = expired[0][1].stat().st_size

    first = await activities.remove_unattached_media(batch)
    second = await activities.remove_unattached_media(batch)
    third = await activities.remove_unattached_media(batch)

    assert (first, second, third) == (
        RemovedMedia(removed=2, freed_bytes=2 * size, more=True),
        RemovedMedia(removed=1, freed_bytes=size, more=False),
        RemovedMedia(),
    )
    async with sessionmaker() as session:
        left = set(
            (await session.scalars(select(ContentAsset.id).where(ContentAsset.tenant_id == tenant_id))).all()
        )
        audited = (
            await session.scalars(
                select(AuditEvent.object_id).where(
                    AuditEvent.tenant_id == tenant_id, AuditEvent.action == "media.removed_unattached"
                )
            )
        ).all()
    assert left == {recent[0], attached[0], generated[0]}
    assert sorted(audited) == sorted(asset_id for asset_id, _ in expired)
    assert [path.exists() for _, path in expired] == [False, False, False]
    assert all(path.exists() for _, path in (recent, attached, generated))


async def test_a_missing_file_does_not_stop_the_removal(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    media = LocalMediaStore(tmp_path)
    tenant_id, _ = await _tenant_with_content(sessionmaker)
    asset_id, path = await _asset(sessionmaker, media, tenant_id, timedelta(days=400))
    path.unlink()

    removed = await ContentActivities(sessionmaker, media).remove_unattached_media(
        UnattachedMedia(older_than=NOW - timedelta(days=399))
    )

    assert removed.removed == 1
    async with sessionmaker() as session:
        assert await session.get(ContentAsset, asset_id) is None
