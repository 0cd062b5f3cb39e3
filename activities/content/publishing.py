"""content-center's side of publishing: the post to send, and every state written back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.content.contents import ContentRepository
from douflow.content.drafts import load_draft
from douflow.content.publishes import (
    PublishKeyTaken,
    PublishRepository,
    announce_publish,
    claimed_item_ids,
    sent_text,
    settle,
    stale_publishes,
    unknown_attempts,
    where_it_stands,
)
from douflow.db.base import utcnow
from douflow.db.tables import Content, Publish
from douflow.temporal.errors import ACCOUNT_UNAVAILABLE, CONTENT_NOT_FOUND, PUBLISH_DUPLICATE
from models.douyin_accounts import AccountRef
from models.publish import (
    ClaimedItems,
    DraftQuery,
    EarlierAttempts,
    PublishDraft,
    PublishEvent,
    PublishKey,
    PublishStatus,
    Settlement,
    StalePublish,
    StalePublishes,
    SweepInput,
)


class PublishingActivities(ContentStore):
    """Publishing (seed 5): the post to send, and every state written back."""

    @activity.defn
    async def load_publish_draft(self, query: DraftQuery) -> PublishDraft:
        """The pinned (else current) version of the content as a Douyin post, with every rule it breaks."""
        async with self._sessionmaker() as session:
            draft = await load_draft(session, query.tenant_id, query.content_id, query.version)
        if draft is None:
            raise ApplicationError("content not found", type=CONTENT_NOT_FOUND, non_retryable=True)
        return draft

    @activity.defn
    async def record_publish_event(self, event: PublishEvent) -> None:
        """Writes the publish row and the content's status; a replayed `seq` changes nothing."""
        async with self._sessionmaker() as session:
            repo = PublishRepository(session, event.tenant_id)
            try:
                publish = await repo.claim(
                    event.publish_id,
                    content_id=event.content_id,
                    account_id=event.account_id,
                    workflow_id=event.workflow_id,
                    created_by=event.created_by,
                    content_version=event.content_version,
                    occurrence=event.occurrence,
                )
            except PublishKeyTaken as taken:
                raise ApplicationError(
                    where_it_stands(taken.holder), taken.holder.id, type=PUBLISH_DUPLICATE, non_retryable=True
                ) from taken
            if any(entry.get("seq") == event.seq for entry in publish.history):
                await session.commit()
                return
            _apply(publish, event)
            announce_publish(session, publish, event.event)
            await session.flush()
            content = await ContentRepository(session, event.tenant_id).get(event.content_id)
            summary = await repo.content_status(event.content_id)
            if content is not None and summary is not None:
                _set_content_status(content, *summary)
            await session.commit()

    @activity.defn
    async def claimed_publish_items(self, account: AccountRef) -> ClaimedItems:
        """Items other publishes already own on this Douyin user, so reconciliation never takes them."""
        async with self._sessionmaker() as session:
            row = await PublishRepository(session, account.tenant_id).account(account.account_id)
            if row is None:
                raise ApplicationError("account not found", type=ACCOUNT_UNAVAILABLE, non_retryable=True)
            return ClaimedItems(item_ids=await claimed_item_ids(session, row.open_id))

    @activity.defn
    async def earlier_publish_attempts(self, key: PublishKey) -> EarlierAttempts:
        """Earlier runs of the key whose create outcome stayed unknown: a (re)start looks for their item."""
        async with self._sessionmaker() as session:
            rows = await PublishRepository(session, key.tenant_id).earlier_unknown_attempts(
                key.content_id, key.account_id, key.occurrence, key.publish_id
            )
        if not rows:
            return EarlierAttempts()
        texts = list(dict.fromkeys(t for t in map(sent_text, rows) if t))
        return EarlierAttempts(
            since=min(r.created_at for r in rows), publish_ids=[r.id for r in rows], texts=texts
        )

    @activity.defn
    async def stale_publishes(self, sweep: SweepInput) -> StalePublishes:
        """Publishes left under review or unconfirmed, with the text and attempts to find their item by."""
        older_than = utcnow() - timedelta(seconds=sweep.stale_after_seconds)
        found: list[StalePublish] = []
        async with self._sessionmaker() as session:
            rows = await stale_publishes(
                session,
                older_than,
                tenant_id=sweep.tenant_id,
                publish_ids=sweep.publish_ids,
                limit=sweep.limit,
            )
            for row in rows:
                draft = await load_draft(session, row.tenant_id, row.content_id, row.content_version)
                found.append(
                    StalePublish(
                        tenant_id=row.tenant_id,
                        publish_id=row.id,
                        account_id=row.account_id,
                        status=row.status,
                        item_id=row.item_id,
                        media_type=draft.media_type if draft else "image_text",
                        text=sent_text(row) or (draft.text if draft else ""),
                        attempts=unknown_attempts(row),
                    )
                )
        return StalePublishes(publishes=found)

    @activity.defn
    async def settle_publish(self, settlement: Settlement) -> bool:
        """Writes what Douyin's list says of a publish its run left open; False when nothing changed."""
        async with self._sessionmaker() as session:
            changed = await settle(session, settlement)
            await session.commit()
            return changed


def _apply(publish: Publish, event: PublishEvent) -> None:
    entry: dict[str, Any] = {
        "seq": event.seq,
        "status": event.status,
        "event": event.event,
        "at": event.at.isoformat(),
    }
    entry.update({k: v for k, v in (("reason", event.reason), ("item_id", event.item_id)) if v})
    entry.update(event.detail)
    # A new list, so the JSON column sees the change.
    publish.history = [*publish.history, entry]
    publish.status = event.status
    publish.status_reason = event.reason
    if event.item_id:
        publish.item_id = event.item_id
    if event.share_url:
        publish.share_url = event.share_url
    if event.media_type:
        publish.media_type = event.media_type
    if event.status == "published" and publish.published_at is None:
        publish.published_at = event.at


def _set_content_status(content: Content, status: PublishStatus, detail: str | None) -> None:
    content.status = status
    content.status_detail = detail
