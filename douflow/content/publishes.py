"""Tenant-scoped access to publishes and the accounts they go to; flushes but never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow import live_events
from douflow.db.base import utcnow
from douflow.db.tables import Content, DouyinAccount, Publish
from douflow.db.upsert import insert_for
from models.publish import LIVE_STATUSES, RESOLVED, SWEEPER, UNKNOWN_CREATE, PublishStatus, Settlement

# When a content goes to several accounts its own status is the most telling one among them.
_CONTENT_STATUS_ORDER: tuple[PublishStatus, ...] = (
    "publishing",
    "under_review",
    "published",
    "unconfirmed",
    "rejected",
    "failed",
)


class PublishKeyTaken(Exception):
    """Another live publish already holds this content version, account and occurrence."""

    def __init__(self, holder: Publish) -> None:
        super().__init__(
            f"publish {holder.id} already holds this content version and account ({holder.status})"
        )
        self.holder = holder


def where_it_stands(holder: Publish) -> str:
    """One sentence on the publish that holds a business key, for the operator who tried again."""
    item = f", Douyin item {holder.item_id}" if holder.item_id else ""
    return (
        f"this version of the content is already {holder.status.replace('_', ' ')} on this account "
        f"(publish {holder.id}{item}); edit the content to publish a new version"
        + (", or settle the unconfirmed publish first" if holder.status == "unconfirmed" else "")
    )


class PublishRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, publish_id: str) -> Publish | None:
        return await self._session.scalar(
            select(Publish).where(Publish.id == publish_id, Publish.tenant_id == self._tenant_id)
        )

    async def claim(
        self,
        publish_id: str,
        *,
        content_id: str,
        account_id: str,
        workflow_id: str,
        created_by: str,
        content_version: int | None = None,
        occurrence: str = "",
    ) -> Publish:
        """The publish row, inserted unless it exists, then locked for this transaction.

        The BFF and the publish's first write-back both create it, whoever comes first: an insert that
        finds the row already there is a no-op (ON CONFLICT DO NOTHING), never an error to retry. When
        another live publish holds the same business key the insert is refused: `PublishKeyTaken`, with the
        session's transaction rolled back.
        """
        stmt = insert_for(self._session, Publish.__table__).values(
            id=publish_id,
            tenant_id=self._tenant_id,
            content_id=content_id,
            content_version=content_version,
            occurrence=occurrence,
            account_id=account_id,
            workflow_id=workflow_id,
            status="publishing",
            history=[],
            created_by=created_by,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        try:
            # The insert comes first so the transaction holds the write lock before it reads the history.
            await self._session.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
        except IntegrityError as exc:
            # Only the live-key index can refuse it; PostgreSQL has aborted the transaction, so start anew.
            await self._session.rollback()
            holder = await self.live(content_id, content_version, account_id, occurrence)
            if holder is None:
                raise
            raise PublishKeyTaken(holder) from exc
        row = await self._locked(publish_id)
        if row is None:
            raise LookupError(f"publish {publish_id} belongs to another tenant")
        return row

    async def live(
        self, content_id: str, content_version: int | None, account_id: str, occurrence: str = ""
    ) -> Publish | None:
        """The publish that holds this business key now (publishing, under review, published, unconfirmed)."""
        if content_version is None:
            return None
        return await self._session.scalar(
            select(Publish).where(
                Publish.tenant_id == self._tenant_id,
                Publish.content_id == content_id,
                Publish.content_version == content_version,
                Publish.account_id == account_id,
                Publish.occurrence == occurrence,
                Publish.status.in_(LIVE_STATUSES),
            )
        )

    async def earlier_unknown_attempts(
        self, content_id: str, account_id: str, occurrence: str, exclude_id: str
    ) -> list[Publish]:
        """Finished runs of this key that made a create of unknown outcome and never found its item.

        Any content version counts (the text decides a match); runs an operator settled are left out.
        """
        rows = await self._session.scalars(
            select(Publish)
            .where(
                Publish.tenant_id == self._tenant_id,
                Publish.content_id == content_id,
                Publish.account_id == account_id,
                Publish.occurrence == occurrence,
                Publish.id != exclude_id,
                Publish.item_id.is_(None),
                Publish.status.not_in(LIVE_STATUSES),
            )
            .order_by(Publish.created_at)
        )
        return [row for row in rows.all() if _had_unknown_create(row) and not _settled(row)]

    async def _locked(self, publish_id: str) -> Publish | None:
        return await self._session.scalar(
            select(Publish)
            .where(Publish.id == publish_id, Publish.tenant_id == self._tenant_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def list(
        self, *, content_id: str | None = None, account_id: str | None = None, limit: int = 100
    ) -> Sequence[Publish]:
        conditions = [Publish.tenant_id == self._tenant_id]
        if content_id:
            conditions.append(Publish.content_id == content_id)
        if account_id:
            conditions.append(Publish.account_id == account_id)
        rows = await self._session.scalars(
            select(Publish).where(*conditions).order_by(Publish.created_at.desc(), Publish.id).limit(limit)
        )
        return rows.all()

    async def account(self, account_id: str) -> DouyinAccount | None:
        return await self._session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.id == account_id, DouyinAccount.tenant_id == self._tenant_id
            )
        )

    def add(self, publish: Publish) -> None:
        if publish.tenant_id != self._tenant_id:
            raise ValueError("row belongs to another tenant")
        self._session.add(publish)

    async def content_status(self, content_id: str) -> tuple[PublishStatus, str | None] | None:
        """The content's status from the latest publish per account, and a one-line summary."""
        latest: dict[str, Publish] = {}
        for row in reversed(await self.list(content_id=content_id, limit=1000)):
            latest[row.account_id] = row
        if not latest:
            return None
        statuses = [p.status for p in latest.values()]
        status = next(s for s in _CONTENT_STATUS_ORDER if s in statuses)
        counts = ", ".join(f"{s} {statuses.count(s)}" for s in _CONTENT_STATUS_ORDER if s in statuses)
        reasons = [p.status_reason for p in latest.values() if p.status_reason and p.status != "published"]
        return status, f"{counts}: {reasons[0]}" if reasons else counts


async def claimed_item_ids(session: AsyncSession, open_id: str) -> list[str]:
    """Douyin items already owned by some publish to this Douyin user (in any tenant that bound it)."""
    rows = await session.scalars(
        select(Publish.item_id)
        .join(DouyinAccount, DouyinAccount.id == Publish.account_id)
        .where(DouyinAccount.open_id == open_id, Publish.item_id.is_not(None))
    )
    return [r for r in rows.all() if r]


def _had_unknown_create(row: Publish) -> bool:
    return any(entry.get("event") == UNKNOWN_CREATE for entry in row.history)


def _settled(row: Publish) -> bool:
    return any(entry.get("event") == RESOLVED for entry in row.history)


async def stale_publishes(
    session: AsyncSession,
    older_than: datetime,
    *,
    tenant_id: str | None = None,
    publish_ids: Sequence[str] = (),
    limit: int = 200,
) -> list[Publish]:
    """Publishes a run left `under_review` or `unconfirmed`: the longest untouched first.

    The sweeper reads every tenant's (each row keeps its tenant for what follows); naming publishes
    needs their tenant.
    """
    conditions = [Publish.status.in_(("under_review", "unconfirmed")), Publish.updated_at <= older_than]
    if tenant_id is not None:
        conditions.append(Publish.tenant_id == tenant_id)
    if publish_ids:
        if tenant_id is None:
            raise ValueError("naming publishes needs their tenant")
        conditions.append(Publish.id.in_(publish_ids))
    rows = await session.scalars(select(Publish).where(*conditions).order_by(Publish.updated_at).limit(limit))
    return list(rows.all())


def unknown_attempts(row: Publish) -> list[datetime]:
    """When each create of unknown outcome was sent (older runs noted only when it failed)."""
    sent: list[datetime] = []
    for entry in row.history:
        if entry.get("event") != UNKNOWN_CREATE:
            continue
        at = entry.get("attempt_at") or entry.get("at")
        if isinstance(at, str):
            sent.append(datetime.fromisoformat(at))
    return sent


def sent_text(row: Publish) -> str | None:
    """The text the latest create of unknown outcome sent, where its run recorded it."""
    for entry in reversed(row.history):
        if entry.get("event") == UNKNOWN_CREATE and isinstance(entry.get("text"), str):
            return str(entry["text"])
    return None


async def settle(session: AsyncSession, settlement: Settlement) -> bool:
    """Writes what Douyin's list or an operator says of a publish its run left open; False: unchanged.

    Only `under_review` and `unconfirmed` publishes are settled, and an item another publish owns is never
    taken, so a retried or late settlement changes nothing. Flushes; the caller commits.
    """
    repo = PublishRepository(session, settlement.tenant_id)
    row = await repo.get(settlement.publish_id)
    if row is None or row.status not in ("under_review", "unconfirmed"):
        return False
    if settlement.status is None:
        row.updated_at = utcnow()
        return False
    if settlement.item_id and settlement.item_id != row.item_id:
        account = await repo.account(row.account_id)
        owned = await claimed_item_ids(session, account.open_id) if account else []
        if row.item_id or settlement.item_id in owned:
            return False
    _record_settlement(row, settlement)
    announce_publish(session, row, "settled" if settlement.by == SWEEPER else RESOLVED)
    await session.flush()
    content = await session.scalar(
        select(Content).where(Content.id == row.content_id, Content.tenant_id == settlement.tenant_id)
    )
    summary = await repo.content_status(row.content_id)
    if content is not None and summary is not None:
        content.status, content.status_detail = summary
    return True


def announce_publish(session: AsyncSession, publish: Publish, event: str) -> None:
    """A live event with the publish's status as this transaction leaves it."""
    live_events.record(
        session,
        publish.tenant_id,
        "publish",
        publish.id,
        {
            "publish_id": publish.id,
            "content_id": publish.content_id,
            "account_id": publish.account_id,
            "status": publish.status,
            "event": event,
            "item_id": publish.item_id,
        },
    )


def _record_settlement(publish: Publish, settlement: Settlement) -> None:
    assert settlement.status is not None
    entry: dict[str, Any] = {
        "status": settlement.status,
        "event": "settled" if settlement.by == SWEEPER else RESOLVED,
        "by": settlement.by,
        "at": settlement.at.isoformat(),
    }
    entry.update({k: v for k, v in (("reason", settlement.reason), ("item_id", settlement.item_id)) if v})
    publish.history = [*publish.history, entry]
    publish.status = settlement.status
    publish.status_reason = settlement.reason
    publish.item_id = settlement.item_id or publish.item_id
    publish.share_url = settlement.share_url or publish.share_url
    if settlement.status == "published" and publish.published_at is None:
        publish.published_at = settlement.at
