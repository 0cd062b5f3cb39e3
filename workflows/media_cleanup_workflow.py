"""Removes uploads that were never attached to a content, started every hour by the media cleanup schedule.

Batches run one after another until none is full, up to MAX_BATCHES a run; what is left waits for the next.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from douflow.temporal import policies
    from models.media import MediaCleanupInput, MediaCleanupResult, UnattachedMedia
    from workflows import calls

MAX_BATCHES = 50


@workflow.defn
class MediaCleanupWorkflow:
    @workflow.run
    async def run(self, input: MediaCleanupInput) -> MediaCleanupResult:
        older_than = workflow.now() - timedelta(hours=input.grace_hours)
        result = MediaCleanupResult()
        more = True
        while more and result.batches < MAX_BATCHES:
            batch = await calls.content(
                ContentCenter.remove_unattached_media,
                UnattachedMedia(older_than=older_than),
                policies.MEDIA_CLEANUP,
            )
            result.batches += 1
            result.removed += batch.removed
            result.freed_bytes += batch.freed_bytes
            more = batch.more
        return result
