"""Comments on the tenant's accounts' items and what triage did with each, tenant-scoped. Repositories flush;
the caller commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.funnel_days import FunnelDays
from douflow.db.comment_tables import ItemComment
from models.comments import CommentOutcome, CommentStatus, CommentTriageInput


class CommentRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def store(self, comment: CommentTriageInput, workflow_id: str) -> ItemComment:
        """The comment's row, made once; a retried or concurrent write finds it."""
        found = await self._by_douyin_id(comment.account_id, comment.comment_id)
        if found is not None:
            return found
        try:
            async with self._session.begin_nested():
                found = ItemComment(
                    tenant_id=self._tenant_id,
                    account_id=comment.account_id,
                    item_id=comment.item_id,
                    comment_id=comment.comment_id,
                    reply_to_comment_id=comment.reply_to_comment_id,
                    author_open_id=comment.author_open_id,
                    text=comment.text,
                    commented_at=comment.created_at,
                    workflow_id=workflow_id,
                )
                self._session.add(found)
        except IntegrityError:
            found = await self._by_douyin_id(comment.account_id, comment.comment_id)
            if found is None:
                raise
            return found
        await FunnelDays(self._session, self._tenant_id).comment(
            comment.created_at, comment.account_id, comment.item_id
        )
        return found

    async def settle(self, outcome: CommentOutcome) -> ItemComment | None:
        """What triage did, written over the row (a retry writes the same)."""
        row = await self.get(outcome.row_id)
        if row is None:
            return None
        row.status, row.action = outcome.status, outcome.action
        row.reply_text, row.reply_comment_id = outcome.reply_text, outcome.reply_comment_id
        row.findings, row.cited, row.reason = list(outcome.findings), list(outcome.cited), outcome.reason
        return row

    async def get(self, row_id: str) -> ItemComment | None:
        row = await self._session.get(ItemComment, row_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def list(
        self,
        *,
        account_id: str | None = None,
        status: CommentStatus | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[ItemComment]:
        """Newest first."""
        query = (
            select(ItemComment)
            .where(ItemComment.tenant_id == self._tenant_id)
            .order_by(ItemComment.created_at.desc(), ItemComment.id)
            .limit(limit)
            .offset(offset)
        )
        if account_id is not None:
            query = query.where(ItemComment.account_id == account_id)
        if status is not None:
            query = query.where(ItemComment.status == status)
        return list((await self._session.scalars(query)).all())

    async def _by_douyin_id(self, account_id: str, comment_id: str) -> ItemComment | None:
        found: ItemComment | None = await self._session.scalar(
            select(ItemComment).where(
                ItemComment.tenant_id == self._tenant_id,
                ItemComment.account_id == account_id,
                ItemComment.comment_id == comment_id,
            )
        )
        return found
