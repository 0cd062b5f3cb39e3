"""Tenant-scoped access to contents; flushes but never commits (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from douflow.db.tables import AuditEvent, Content, ContentAsset, ContentVersion


class ContentRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, content_id: str, *, with_assets: bool = False) -> Content | None:
        stmt = select(Content).where(Content.id == content_id, Content.tenant_id == self._tenant_id)
        if with_assets:
            stmt = stmt.options(selectinload(Content.assets))
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def titles(self, content_ids: Sequence[str]) -> dict[str, str]:
        """Content id → title, for runs' summaries and views (one query)."""
        if not content_ids:
            return {}
        rows = await self._session.execute(
            select(Content.id, Content.title).where(
                Content.tenant_id == self._tenant_id, Content.id.in_(list(content_ids))
            )
        )
        return {content_id: title for content_id, title in rows}

    async def list(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[Sequence[Content], int]:
        conditions = [Content.tenant_id == self._tenant_id]
        if kind:
            conditions.append(Content.kind == kind)
        if status:
            conditions.append(Content.status == status)
        total = await self._session.scalar(select(func.count()).select_from(Content).where(*conditions))
        rows = await self._session.scalars(
            select(Content)
            .where(*conditions)
            .order_by(Content.created_at.desc(), Content.id)
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), int(total or 0)

    async def version(self, content_id: str, version: int) -> ContentVersion | None:
        return await self._session.scalar(
            select(ContentVersion).where(
                ContentVersion.tenant_id == self._tenant_id,
                ContentVersion.content_id == content_id,
                ContentVersion.version == version,
            )
        )

    async def versions(self, content_id: str) -> Sequence[ContentVersion]:
        rows = await self._session.scalars(
            select(ContentVersion)
            .where(ContentVersion.tenant_id == self._tenant_id, ContentVersion.content_id == content_id)
            .order_by(ContentVersion.version)
        )
        return rows.all()

    async def asset(self, asset_id: str) -> ContentAsset | None:
        return await self._session.scalar(
            select(ContentAsset).where(ContentAsset.id == asset_id, ContentAsset.tenant_id == self._tenant_id)
        )

    async def media_bytes(self) -> int:
        """What the tenant's stored files take, attached or not."""
        used = await self._session.scalar(
            select(func.coalesce(func.sum(ContentAsset.size_bytes), 0)).where(
                ContentAsset.tenant_id == self._tenant_id
            )
        )
        return int(used or 0)

    def add(self, obj: Content | ContentVersion | ContentAsset | AuditEvent) -> None:
        if obj.tenant_id != self._tenant_id:
            raise ValueError("row belongs to another tenant")
        self._session.add(obj)

    def audit(self, actor_id: str, action: str, object_type: str, object_id: str, **detail: Any) -> None:
        self.add(
            AuditEvent(
                tenant_id=self._tenant_id,
                actor_id=actor_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
            )
        )

    async def audit_trail(self, object_type: str, object_id: str) -> Sequence[AuditEvent]:
        rows = await self._session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.tenant_id == self._tenant_id,
                AuditEvent.object_type == object_type,
                AuditEvent.object_id == object_id,
            )
            .order_by(AuditEvent.created_at)
        )
        return rows.all()
