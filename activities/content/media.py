"""content-center's removal of uploads that were never attached to a content.

An upload becomes part of a content when it is attached; one still attached to nothing after the grace
period is removed, its row first and only while it is still unattached (an attach that commits first keeps
it), then its file. A crash between the two leaves an orphaned file, never an asset without one.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import delete, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.db.tables import AuditEvent, ContentAsset
from douflow.media import InvalidMediaKey, LocalMediaStore
from douflow.temporal.errors import MEDIA_STORE_MISSING
from models.media import RemovedMedia, UnattachedMedia

log = logging.getLogger(__name__)
CLEANUP_ACTOR = "media-cleanup"
# Only uploads start unattached; generated media is saved with its content.
UPLOAD = "upload"


class MediaActivities(ContentStore):
    """Media housekeeping."""

    @activity.defn
    async def remove_unattached_media(self, batch: UnattachedMedia) -> RemovedMedia:
        """Removes one batch of uploads attached to nothing since before `older_than`, oldest first.

        Idempotent: a retried batch finds the rows it removed gone and removes the next ones.
        """
        media = self._media_store()
        async with self._sessionmaker() as session:
            candidates = (
                await session.scalars(
                    select(ContentAsset.id)
                    .where(
                        ContentAsset.source == UPLOAD,
                        ContentAsset.content_id.is_(None),
                        ContentAsset.created_at < batch.older_than,
                    )
                    .order_by(ContentAsset.created_at, ContentAsset.id)
                    .limit(batch.limit)
                )
            ).all()
            if not candidates:
                return RemovedMedia()
            removed = (
                await session.execute(
                    delete(ContentAsset)
                    .where(ContentAsset.id.in_(candidates), ContentAsset.content_id.is_(None))
                    .returning(
                        ContentAsset.tenant_id,
                        ContentAsset.id,
                        ContentAsset.storage_key,
                        ContentAsset.size_bytes,
                    )
                    .execution_options(synchronize_session=False)
                )
            ).all()
            for tenant_id, asset_id, _, size_bytes in removed:
                session.add(
                    AuditEvent(
                        tenant_id=tenant_id,
                        actor_id=CLEANUP_ACTOR,
                        action="media.removed_unattached",
                        object_type="asset",
                        object_id=asset_id,
                        detail={"size_bytes": size_bytes},
                    )
                )
            await session.commit()
        for _, _, key, _ in removed:
            await asyncio.to_thread(_unlink, media, key)
        return RemovedMedia(
            removed=len(removed),
            freed_bytes=sum(size for *_, size in removed),
            more=len(candidates) == batch.limit,
        )

    def _media_store(self) -> LocalMediaStore:
        if self._media is None:
            raise ApplicationError(
                "this content-center worker was built without a media store", type=MEDIA_STORE_MISSING,
                non_retryable=True,
            )  # fmt: skip
        return self._media


def _unlink(media: LocalMediaStore, key: str) -> None:
    try:
        media.path(key).unlink(missing_ok=True)
    except InvalidMediaKey:
        log.warning("asset row held a key the media store would not make: %r", key)
