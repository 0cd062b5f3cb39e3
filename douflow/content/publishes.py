"""Tenant-scoped access to publishes and the accounts they go to; flushes but never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount, Publish
from douflow.db.upsert import insert_for
from models.publish import PublishStatus

# When a content goes to several accounts its own status is the most telling one among them.
_CONTENT_STATUS_ORDER: tuple[PublishStatus, ...] = (
    "publishing",
    "under_review",
    "published",
    "unconfirmed",
    "rejected",
    "failed",
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
        self, publish_id: str, *, content_id: str, account_id: str, workflow_id: str, created_by: str
    ) -> Publish:
        """The publish row, inserted unless it exists, then locked for this transaction.

        The BFF and the publish's first write-back both create it, whoever comes first: an insert that
        finds the row already there is a no-op (ON CONFLICT DO NOTHING), never an error to retry.
        """
        table = Publish.__table__
        stmt = insert_for(self._session, table).values(
            id=publish_id,
            tenant_id=self._tenant_id,
            content_id=content_id,
            account_id=account_id,
            workflow_id=workflow_id,
            status="publishing",
            history=[],
            created_by=created_by,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        await self._session.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
        row = await self._session.scalar(
            select(Publish)
            .where(Publish.id == publish_id, Publish.tenant_id == self._tenant_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is None:
            raise LookupError(f"publish {publish_id} belongs to another tenant")
        return row

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
