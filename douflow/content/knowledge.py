"""Tenant-scoped knowledge-base entries (seed 10, 11); flushes but never commits (the caller owns the
transaction). Entries are few per tenant (tens to hundreds), so searching ranks them in Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.knowledge_search import KnowledgeIndex, SearchableEntry
from douflow.db.base import utcnow
from douflow.db.tables import KnowledgeEntry


@dataclass(frozen=True)
class EntryFields:
    """What a person writes of an entry."""

    question: str
    answer: str
    variants: Sequence[str] = ()
    tags: Sequence[str] = ()
    enabled: bool = True
    brand_id: str | None = None


@dataclass(frozen=True)
class KnowledgeStamp:
    """The state of a tenant's entries: any create, change or delete changes it."""

    count: int
    versions: int
    updated_at: datetime | None


def searchable(entry: KnowledgeEntry) -> SearchableEntry:
    return SearchableEntry(
        entry_id=entry.id,
        question=entry.question,
        variants=tuple(entry.variants),
        answer=entry.answer,
        tags=tuple(entry.tags),
    )


class KnowledgeRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, entry_id: str) -> KnowledgeEntry | None:
        return await self._session.scalar(
            select(KnowledgeEntry).where(
                KnowledgeEntry.id == entry_id, KnowledgeEntry.tenant_id == self._tenant_id
            )
        )

    async def entries(self, *, tag: str | None = None, enabled_only: bool = False) -> list[KnowledgeEntry]:
        """The tenant's entries, oldest first; the tag is matched in Python (JSON lists differ per database)."""
        conditions = [KnowledgeEntry.tenant_id == self._tenant_id]
        if enabled_only:
            conditions.append(KnowledgeEntry.enabled.is_(True))
        rows = await self._session.scalars(
            select(KnowledgeEntry).where(*conditions).order_by(KnowledgeEntry.created_at, KnowledgeEntry.id)
        )
        return [e for e in rows.all() if tag is None or tag in e.tags]

    async def search(
        self, text: str, *, tag: str | None = None, enabled_only: bool = False
    ) -> list[tuple[KnowledgeEntry, float]]:
        """Entries sharing words with `text`, best first, scored as the bot's lookup scores them."""
        entries = {e.id: e for e in await self.entries(tag=tag, enabled_only=enabled_only)}
        index = KnowledgeIndex([searchable(e) for e in entries.values()])
        return [(entries[hit.entry_id], score) for hit, score in index.rank(text)]

    async def stamp(self) -> KnowledgeStamp:
        row = (
            await self._session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(KnowledgeEntry.version), 0),
                    func.max(KnowledgeEntry.updated_at),
                ).where(KnowledgeEntry.tenant_id == self._tenant_id)
            )
        ).one()
        return KnowledgeStamp(count=int(row[0]), versions=int(row[1]), updated_at=row[2])

    async def create(self, fields: EntryFields, user_id: str) -> KnowledgeEntry:
        entry = KnowledgeEntry(
            tenant_id=self._tenant_id,
            brand_id=fields.brand_id,
            question=fields.question,
            variants=list(fields.variants),
            answer=fields.answer,
            tags=list(fields.tags),
            enabled=fields.enabled,
            version=1,
            created_by=user_id,
        )
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def update(self, entry: KnowledgeEntry, fields: EntryFields, base_version: int) -> bool:
        """The entry as `fields` says, one version later, if it is still at `base_version` (the check and
        the write are one statement, so of two concurrent edits of one version only one applies)."""
        changed = await self._session.execute(
            update(KnowledgeEntry)
            .where(
                KnowledgeEntry.id == entry.id,
                KnowledgeEntry.tenant_id == self._tenant_id,
                KnowledgeEntry.version == base_version,
            )
            .values(
                question=fields.question,
                variants=list(fields.variants),
                answer=fields.answer,
                tags=list(fields.tags),
                enabled=fields.enabled,
                brand_id=fields.brand_id,
                version=base_version + 1,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) != 1:
            return False
        await self._session.refresh(entry)
        return True

    async def delete(self, entry: KnowledgeEntry) -> None:
        await self._session.delete(entry)
        await self._session.flush()
