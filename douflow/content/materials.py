"""The deal material library (seed 17), tenant-scoped; flushes but never commits.

Who may do what is decided here, once: a tenant admin manages every library; anyone else acts in a library
only as its member (viewer reads and shares, contributor adds materials and versions, manager also manages
members, edits and deletes), and a tenant `viewer` never more than reads. An expired material is never sent
or shared (`send_problem`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.material_search import Indexable, reindex, search
from douflow.db.base import utcnow
from douflow.db.material_tables import Material, MaterialLibrary, MaterialLibraryMember, MaterialVersion
from models.materials import Permission

RANK: dict[str, int] = {"viewer": 1, "contributor": 2, "manager": 3}


def effective_permission(tenant_role: str, member: str | None) -> Permission | None:
    """A user's permission in a library from their tenant role and their membership (None: no access)."""
    if tenant_role == "admin":
        return "manager"
    if member is None:
        return None
    if tenant_role == "viewer":
        return "viewer"
    return member  # type: ignore[return-value]


def allows(permission: Permission | None, needed: Permission) -> bool:
    return permission is not None and RANK[permission] >= RANK[needed]


def is_expired(material: Material, now: datetime) -> bool:
    return material.expires_at is not None and material.expires_at <= now


def send_problem(material: Material, now: datetime) -> str | None:
    """Why the material may not go to a customer now, or None."""
    if material.archived:
        return f"material {material.id} is archived"
    if is_expired(material, now):
        return f"material {material.id} expired at {material.expires_at:%Y-%m-%d %H:%M} UTC and is never sent"
    return None


@dataclass(frozen=True)
class VersionContent:
    """A version's content: a stored file (media key) and/or a text, and the text found in the file."""

    media_key: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    text: str | None = None
    extracted_text: str = ""
    note: str = ""

    def searchable(self) -> str:
        return "\n".join(t for t in (self.text, self.extracted_text) if t)


@dataclass(frozen=True)
class MaterialFilter:
    library_ids: Sequence[str] | None = None
    kind: str | None = None
    tag: str | None = None
    expired: bool | None = None
    archived: bool = False


class MaterialRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    # -- libraries and members --------------------------------------------------------------------------

    async def library(self, library_id: str) -> MaterialLibrary | None:
        return await self._session.scalar(
            select(MaterialLibrary).where(
                MaterialLibrary.id == library_id, MaterialLibrary.tenant_id == self._tenant_id
            )
        )

    async def libraries(self) -> list[MaterialLibrary]:
        rows = await self._session.scalars(
            select(MaterialLibrary)
            .where(MaterialLibrary.tenant_id == self._tenant_id)
            .order_by(MaterialLibrary.created_at, MaterialLibrary.id)
        )
        return list(rows.all())

    async def memberships(self, user_id: str) -> dict[str, str]:
        """library id → the user's member permission."""
        rows = await self._session.execute(
            select(MaterialLibraryMember.library_id, MaterialLibraryMember.permission).where(
                MaterialLibraryMember.tenant_id == self._tenant_id, MaterialLibraryMember.user_id == user_id
            )
        )
        return {library_id: permission for library_id, permission in rows.all()}

    async def permissions(self, user_id: str, tenant_role: str) -> dict[str, Permission]:
        """Every library the user may act in, with their permission there."""
        members = await self.memberships(user_id)
        found: dict[str, Permission] = {}
        for library in await self.libraries():
            permission = effective_permission(tenant_role, members.get(library.id))
            if permission is not None:
                found[library.id] = permission
        return found

    async def permission(self, library_id: str, user_id: str, tenant_role: str) -> Permission | None:
        return effective_permission(tenant_role, (await self.memberships(user_id)).get(library_id))

    async def bot_library_ids(self) -> list[str]:
        rows = await self._session.scalars(
            select(MaterialLibrary.id).where(
                MaterialLibrary.tenant_id == self._tenant_id, MaterialLibrary.bot_may_use.is_(True)
            )
        )
        return list(rows.all())

    async def create_library(
        self, name: str, description: str, bot_may_use: bool, user_id: str
    ) -> MaterialLibrary:
        """A new library whose creator is its first manager."""
        library = MaterialLibrary(
            tenant_id=self._tenant_id,
            name=name,
            description=description,
            bot_may_use=bot_may_use,
            created_by=user_id,
        )
        self._session.add(library)
        await self._session.flush()
        await self.set_member(library.id, user_id, "manager", user_id)
        return library

    async def delete_library(self, library: MaterialLibrary) -> None:
        await self._session.delete(library)
        await self._session.flush()

    async def members(self, library_id: str) -> list[MaterialLibraryMember]:
        rows = await self._session.scalars(
            select(MaterialLibraryMember)
            .where(
                MaterialLibraryMember.tenant_id == self._tenant_id,
                MaterialLibraryMember.library_id == library_id,
            )
            .order_by(MaterialLibraryMember.created_at, MaterialLibraryMember.id)
        )
        return list(rows.all())

    async def set_member(
        self, library_id: str, user_id: str, permission: Permission, by: str
    ) -> MaterialLibraryMember:
        member = await self._session.scalar(
            select(MaterialLibraryMember).where(
                MaterialLibraryMember.tenant_id == self._tenant_id,
                MaterialLibraryMember.library_id == library_id,
                MaterialLibraryMember.user_id == user_id,
            )
        )
        if member is None:
            member = MaterialLibraryMember(
                tenant_id=self._tenant_id, library_id=library_id, user_id=user_id, added_by=by
            )
            self._session.add(member)
        member.permission = permission
        await self._session.flush()
        return member

    async def remove_member(self, library_id: str, user_id: str) -> bool:
        removed = await self._session.execute(
            delete(MaterialLibraryMember).where(
                MaterialLibraryMember.tenant_id == self._tenant_id,
                MaterialLibraryMember.library_id == library_id,
                MaterialLibraryMember.user_id == user_id,
            )
        )
        return bool(getattr(removed, "rowcount", 0))

    # -- materials and versions -------------------------------------------------------------------------

    async def get(self, material_id: str) -> Material | None:
        return await self._session.scalar(
            select(Material).where(Material.id == material_id, Material.tenant_id == self._tenant_id)
        )

    async def materials(self, found: MaterialFilter, now: datetime | None = None) -> list[Material]:
        """The materials matching the filter, newest first (tags are matched in Python: JSON differs)."""
        now = now or utcnow()
        query = select(Material).where(
            Material.tenant_id == self._tenant_id, Material.archived == found.archived
        )
        if found.library_ids is not None:
            query = query.where(Material.library_id.in_(list(found.library_ids)))
        if found.kind is not None:
            query = query.where(Material.kind == found.kind)
        rows = await self._session.scalars(query.order_by(Material.created_at.desc(), Material.id))
        return [m for m in rows.all() if self._matches(m, found, now)]

    @staticmethod
    def _matches(material: Material, found: MaterialFilter, now: datetime) -> bool:
        if found.tag is not None and found.tag not in material.tags:
            return False
        return found.expired is None or is_expired(material, now) == found.expired

    async def search(self, text: str, found: MaterialFilter) -> list[tuple[str, float]]:
        """(material id, score) of the materials matching the text, best first, within the filter."""
        ranked = await search(self._session, self._tenant_id, text)
        if not ranked:
            return []
        allowed = await self._allowed_ids(found)
        return [(mid, score) for mid, score in ranked if mid in allowed]

    async def _allowed_ids(self, found: MaterialFilter) -> set[str]:
        """The ids the filter lets through, read as plain columns (no objects for a whole library)."""
        query = select(Material.id, Material.tags, Material.expires_at).where(
            Material.tenant_id == self._tenant_id, Material.archived == found.archived
        )
        if found.library_ids is not None:
            query = query.where(Material.library_id.in_(list(found.library_ids)))
        if found.kind is not None:
            query = query.where(Material.kind == found.kind)
        now = utcnow()
        allowed: set[str] = set()
        for material_id, tags, expires_at in (await self._session.execute(query)).all():
            if found.tag is not None and found.tag not in tags:
                continue
            if found.expired is not None and (expires_at is not None and expires_at <= now) != found.expired:
                continue
            allowed.add(material_id)
        return allowed

    async def get_many(self, material_ids: Sequence[str]) -> list[Material]:
        """The materials of these ids, in the order given."""
        if not material_ids:
            return []
        rows = await self._session.scalars(
            select(Material).where(Material.tenant_id == self._tenant_id, Material.id.in_(list(material_ids)))
        )
        found = {m.id: m for m in rows.all()}
        return [found[mid] for mid in material_ids if mid in found]

    async def create(
        self,
        library_id: str,
        kind: str,
        title: str,
        description: str,
        tags: Sequence[str],
        expires_at: datetime | None,
        douyin_item_id: str | None,
        content: VersionContent,
        user_id: str,
    ) -> Material:
        material = Material(
            tenant_id=self._tenant_id,
            library_id=library_id,
            kind=kind,
            title=title,
            description=description,
            tags=list(tags),
            expires_at=expires_at,
            douyin_item_id=douyin_item_id,
            current_version=1,
            created_by=user_id,
        )
        self._session.add(material)
        await self._session.flush()
        await self._add_version(material, 1, content, user_id)
        await self.reindex(material, content)
        return material

    async def add_version(self, material: Material, content: VersionContent, user_id: str) -> MaterialVersion:
        number = material.current_version + 1
        version = await self._add_version(material, number, content, user_id)
        material.current_version = number
        material.updated_at = utcnow()
        await self.reindex(material, content)
        return version

    async def _add_version(
        self, material: Material, number: int, content: VersionContent, user_id: str
    ) -> MaterialVersion:
        version = MaterialVersion(
            tenant_id=self._tenant_id,
            material_id=material.id,
            number=number,
            media_key=content.media_key,
            file_name=content.file_name,
            mime_type=content.mime_type,
            size_bytes=content.size_bytes,
            text=content.text,
            extracted_text=content.extracted_text,
            note=content.note,
            created_by=user_id,
        )
        self._session.add(version)
        await self._session.flush()
        return version

    async def reindex(self, material: Material, content: VersionContent | None = None) -> None:
        if content is None:
            current = await self.version(material.id, material.current_version)
            body = "\n".join(t for t in (current.text, current.extracted_text) if t) if current else ""
        else:
            body = content.searchable()
        doc = Indexable(title=material.title, description=material.description, tags=material.tags, body=body)
        await reindex(self._session, material, doc)

    async def version(self, material_id: str, number: int) -> MaterialVersion | None:
        return await self._session.scalar(
            select(MaterialVersion).where(
                MaterialVersion.tenant_id == self._tenant_id,
                MaterialVersion.material_id == material_id,
                MaterialVersion.number == number,
            )
        )

    async def versions(self, material_id: str) -> list[MaterialVersion]:
        rows = await self._session.scalars(
            select(MaterialVersion)
            .where(MaterialVersion.tenant_id == self._tenant_id, MaterialVersion.material_id == material_id)
            .order_by(MaterialVersion.number.desc())
        )
        return list(rows.all())

    async def delete(self, material: Material) -> None:
        await self._session.delete(material)
        await self._session.flush()
