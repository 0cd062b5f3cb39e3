"""The deal material library (seed 17): libraries with members, materials with versions, search and tracked
share links. Permissions are content-center's (`douflow/content/materials.py`): a tenant admin manages every
library; others act as members (viewer reads and shares, contributor adds and versions, manager manages
members, edits and deletes). An expired or archived material is never shared: 409 `material_not_sendable`."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, StateDep
from api.gateway_bff.errors import Forbidden, MaterialNotSendable, NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute, body_limit
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.knowledge import TAG_MAX
from api.gateway_bff.schemas.materials import (
    DOCUMENT_BASE64_MAX,
    LibraryIn,
    LibraryPatch,
    LibraryView,
    MaterialIn,
    MaterialPage,
    MaterialPatch,
    MaterialView,
    MemberIn,
    MemberView,
    ShareEventView,
    ShareIn,
    ShareView,
    VersionContentIn,
    VersionIn,
    VersionView,
)
from douflow.content.contents import ContentRepository
from douflow.content.material_shares import NewShare, ShareRepository, link_url
from douflow.content.material_text import DOCUMENT_TYPES, UnreadableDocument, extract_text, suffix_of
from douflow.content.materials import (
    MaterialFilter,
    MaterialRepository,
    VersionContent,
    allows,
    is_expired,
    send_problem,
)
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Conversation
from douflow.db.material_tables import (
    Material,
    MaterialLibrary,
    MaterialLibraryMember,
    MaterialShareLink,
    MaterialVersion,
)
from douflow.db.tables import User
from douflow.security.tokens import Principal
from models.materials import Permission

router = APIRouter(prefix="/api/v1", tags=["materials"], route_class=GuardedRoute)
MAX_OFFSET = 100_000


# -- views ------------------------------------------------------------------------------------------------


def _library_view(library: MaterialLibrary, permission: Permission) -> LibraryView:
    return LibraryView(
        id=library.id,
        name=library.name,
        description=library.description,
        bot_may_use=library.bot_may_use,
        permission=permission,
        created_by=library.created_by,
        created_at=library.created_at,
    )


def _version_view(version: MaterialVersion) -> VersionView:
    return VersionView(
        number=version.number,
        file_name=version.file_name,
        mime_type=version.mime_type,
        size_bytes=version.size_bytes,
        text=version.text,
        has_file=version.media_key is not None,
        text_extracted=bool(version.extracted_text),
        note=version.note,
        created_by=version.created_by,
        created_at=version.created_at,
    )


async def _material_view(
    repo: MaterialRepository, material: Material, score: float | None = None
) -> MaterialView:
    current = await repo.version(material.id, material.current_version)
    return MaterialView(
        id=material.id,
        library_id=material.library_id,
        kind=material.kind,  # type: ignore[arg-type]
        title=material.title,
        description=material.description,
        tags=list(material.tags),
        expires_at=material.expires_at,
        expired=is_expired(material, utcnow()),
        archived=material.archived,
        douyin_item_id=material.douyin_item_id,
        current_version=_version_view(current) if current else None,
        created_by=material.created_by,
        created_at=material.created_at,
        updated_at=material.updated_at,
        score=None if score is None else round(score, 4),
    )


def _share_view(link: MaterialShareLink, base_url: str, events: list[ShareEventView]) -> ShareView:
    return ShareView(
        id=link.id,
        url=link_url(base_url, link.token),
        material_id=link.material_id,
        version=link.version,
        customer_id=link.customer_id,
        conversation_id=link.conversation_id,
        expires_at=link.expires_at,
        has_access_code=link.code_hash is not None,
        shared_by=link.shared_by,
        user_id=link.user_id,
        created_at=link.created_at,
        opens=sum(1 for e in events if e.kind == "open"),
        downloads=sum(1 for e in events if e.kind == "download"),
        events=events,
    )


# -- permission checks ------------------------------------------------------------------------------------


async def _library(
    repo: MaterialRepository, user: Principal, library_id: str, needed: Permission
) -> MaterialLibrary:
    """The library, if the user holds at least `needed` in it (404 if it is not the tenant's, 403 if short)."""
    library = await repo.library(library_id)
    if library is None:
        raise NotFound(f"material library {library_id} not found")
    permission = await repo.permission(library_id, user.user_id, user.role)
    if not allows(permission, needed):
        held = f"you are its {permission}" if permission else "you are not a member"
        raise Forbidden(f"this needs {needed} permission in library {library_id}; {held}")
    return library


async def _material(
    repo: MaterialRepository, user: Principal, material_id: str, needed: Permission
) -> Material:
    material = await repo.get(material_id)
    if material is None:
        raise NotFound(f"material {material_id} not found")
    await _library(repo, user, material.library_id, needed)
    return material


# -- libraries --------------------------------------------------------------------------------------------


@router.get("/material-libraries")
async def list_libraries(user: CurrentUser, session: SessionDep) -> list[LibraryView]:
    """The libraries you may act in (an admin sees every one), with your permission in each."""
    repo = MaterialRepository(session, user.tenant_id)
    permissions = await repo.permissions(user.user_id, user.role)
    return [
        _library_view(lib, permissions[lib.id]) for lib in await repo.libraries() if lib.id in permissions
    ]


@router.post("/material-libraries", status_code=status.HTTP_201_CREATED)
async def create_library(body: LibraryIn, user: Operator, session: SessionDep) -> LibraryView:
    """A library; you become its manager."""
    repo = MaterialRepository(session, user.tenant_id)
    library = await repo.create_library(body.name, body.description, body.bot_may_use, user.user_id)
    await session.commit()
    return _library_view(library, "manager")


@router.get("/material-libraries/{library_id}", responses=answers(403))
async def get_library(library_id: str, user: CurrentUser, session: SessionDep) -> LibraryView:
    repo = MaterialRepository(session, user.tenant_id)
    library = await _library(repo, user, library_id, "viewer")
    permission = await repo.permission(library_id, user.user_id, user.role)
    return _library_view(library, permission or "viewer")


@router.patch("/material-libraries/{library_id}", responses=answers(403))
async def update_library(
    library_id: str, patch: LibraryPatch, user: CurrentUser, session: SessionDep
) -> LibraryView:
    """Managers rename it, describe it and say whether the bot may use it."""
    repo = MaterialRepository(session, user.tenant_id)
    library = await _library(repo, user, library_id, "manager")
    if patch.name is not None:
        library.name = patch.name
    if patch.description is not None:
        library.description = patch.description
    if patch.bot_may_use is not None:
        library.bot_may_use = patch.bot_may_use
    library.updated_at = utcnow()
    await session.commit()
    return _library_view(library, "manager")


@router.delete(
    "/material-libraries/{library_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(403)
)
async def delete_library(library_id: str, user: CurrentUser, session: SessionDep) -> None:
    """Removes the library with its materials and their links (managers)."""
    repo = MaterialRepository(session, user.tenant_id)
    await repo.delete_library(await _library(repo, user, library_id, "manager"))
    await session.commit()


async def _member_views(session: SessionDep, members: list[MaterialLibraryMember]) -> list[MemberView]:
    names = dict(
        (
            await session.execute(
                select(User.id, User.username).where(User.id.in_([m.user_id for m in members]))
            )
        ).all()
    )
    return [
        MemberView(
            user_id=m.user_id,
            username=names.get(m.user_id, ""),
            permission=m.permission,  # type: ignore[arg-type]
            added_by=m.added_by,
            created_at=m.created_at,
        )
        for m in members
    ]


@router.get("/material-libraries/{library_id}/members", responses=answers(403))
async def list_members(library_id: str, user: CurrentUser, session: SessionDep) -> list[MemberView]:
    repo = MaterialRepository(session, user.tenant_id)
    await _library(repo, user, library_id, "viewer")
    return await _member_views(session, await repo.members(library_id))


@router.put("/material-libraries/{library_id}/members", responses=answers(403, 422))
async def set_member(
    library_id: str, body: MemberIn, user: CurrentUser, session: SessionDep
) -> list[MemberView]:
    """Adds a user of the tenant to the library, or changes their permission (managers)."""
    repo = MaterialRepository(session, user.tenant_id)
    await _library(repo, user, library_id, "manager")
    member = await session.scalar(
        select(User).where(User.id == body.user_id, User.tenant_id == user.tenant_id)
    )
    if member is None:
        raise Unprocessable(f"user_id {body.user_id} is not a user of this tenant")
    await repo.set_member(library_id, body.user_id, body.permission, user.user_id)
    await session.commit()
    return await _member_views(session, await repo.members(library_id))


@router.delete(
    "/material-libraries/{library_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=answers(403),
)
async def remove_member(library_id: str, user_id: str, user: CurrentUser, session: SessionDep) -> None:
    repo = MaterialRepository(session, user.tenant_id)
    await _library(repo, user, library_id, "manager")
    if not await repo.remove_member(library_id, user_id):
        raise NotFound(f"user {user_id} is not a member of library {library_id}")
    await session.commit()


# -- materials --------------------------------------------------------------------------------------------


def _document_limit(settings: SettingsDep) -> int:
    return DOCUMENT_BASE64_MAX + 64 * 1024


async def _content(
    body: VersionContentIn, kind: str, user: Principal, session: SessionDep, state: StateDep, item: str | None
) -> VersionContent:
    """The version's content as its kind needs it; stored files are copied into the material's own key."""
    given = [name for name in ("asset_id", "document", "text") if getattr(body, name) is not None]
    needs = {
        "image": {("asset_id",)},
        "video": {("asset_id",), ()} if item else {("asset_id",)},
        "document": {("document",), ("text",)},
        "price_sheet": {("document",), ("text",)},
        "case_study": {("text",), ("document",), ("document", "text")},
        "faq": {("text",)},
    }[kind]
    if tuple(given) not in needs:
        spelled = " or ".join("+".join(n) or "douyin_item_id alone" for n in sorted(needs))
        raise Unprocessable(f"a {kind} material takes {spelled}; got {', '.join(given) or 'nothing'}")
    content = VersionContent(text=body.text)
    if body.asset_id is not None:
        asset = await ContentRepository(session, user.tenant_id).asset(body.asset_id)
        if asset is None or asset.role != kind:
            raise Unprocessable(f"asset_id {body.asset_id} is not an uploaded {kind} of this tenant")
        stored = await state.media.copy(
            asset.storage_key, tenant_id=user.tenant_id, mime_type=asset.mime_type
        )
        content = VersionContent(
            media_key=stored.key, file_name=None, mime_type=stored.mime_type, size_bytes=stored.size_bytes
        )
    if body.document is not None:
        name = body.document.file_name
        mime = DOCUMENT_TYPES.get(suffix_of(name))
        if "/" in name or "\\" in name:
            raise Unprocessable(f"document.file_name {name!r} must be a file name, not a path")
        if mime is None:
            raise Unprocessable(
                f"document.file_name {name!r}: send one of {', '.join(sorted(DOCUMENT_TYPES))}"
            )
        try:
            data = base64.b64decode(body.document.content_base64, validate=True)
            extracted = extract_text(name, data)
        except binascii.Error as exc:
            raise Unprocessable("document.content_base64 is not valid base64") from exc
        except UnreadableDocument as exc:
            raise Unprocessable(f"document: {exc}") from exc
        stored = await state.media.put(data, tenant_id=user.tenant_id, suffix=suffix_of(name), mime_type=mime)
        content = VersionContent(
            media_key=stored.key,
            file_name=name,
            mime_type=mime,
            size_bytes=stored.size_bytes,
            text=body.text,
            extracted_text=extracted,
        )
    return content


@router.get("/materials", responses=answers(403, 404))
async def list_materials(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Chinese full-text search")
    ] = None,
    library_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    kind: Annotated[str | None, Query(pattern="^(image|video|document|price_sheet|case_study|faq)$")] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=TAG_MAX)] = None,
    expired: bool | None = None,
    archived: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> MaterialPage:
    """Materials of the libraries you may view, newest first; with `q`, matching ones, best first."""
    repo = MaterialRepository(session, user.tenant_id)
    if library_id is not None:
        await _library(repo, user, library_id, "viewer")
        libraries: list[str] = [library_id]
    else:
        libraries = list(await repo.permissions(user.user_id, user.role))
    found = MaterialFilter(library_ids=libraries, kind=kind, tag=tag, expired=expired, archived=archived)
    if q is not None:
        ranked = await repo.search(q, found)
        page = ranked[offset : offset + limit]
        chosen = await repo.get_many([mid for mid, _ in page])
        scores = dict(page)
        items = [await _material_view(repo, m, scores[m.id]) for m in chosen]
        total = len(ranked)
    else:
        listed = await repo.materials(found)
        items = [await _material_view(repo, m) for m in listed[offset : offset + limit]]
        total = len(listed)
    return MaterialPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/materials", status_code=status.HTTP_201_CREATED, responses=answers(403, 404, 422))
@body_limit(_document_limit)
async def create_material(
    body: MaterialIn, user: CurrentUser, session: SessionDep, state: StateDep
) -> MaterialView:
    """A material at version 1 in a library where you contribute."""
    repo = MaterialRepository(session, user.tenant_id)
    await _library(repo, user, body.library_id, "contributor")
    if body.douyin_item_id is not None and body.kind != "video":
        raise Unprocessable("douyin_item_id is for video materials only")
    content = await _content(body, body.kind, user, session, state, body.douyin_item_id)
    material = await repo.create(
        body.library_id,
        body.kind,
        body.title,
        body.description,
        body.tags,
        body.expires_at,
        body.douyin_item_id,
        content,
        user.user_id,
    )
    await session.commit()
    return await _material_view(repo, material)


@router.get("/materials/{material_id}", responses=answers(403))
async def get_material(material_id: str, user: CurrentUser, session: SessionDep) -> MaterialView:
    repo = MaterialRepository(session, user.tenant_id)
    return await _material_view(repo, await _material(repo, user, material_id, "viewer"))


@router.patch("/materials/{material_id}", responses=answers(403, 422))
async def update_material(
    material_id: str, patch: MaterialPatch, user: CurrentUser, session: SessionDep
) -> MaterialView:
    """Contributors change title, description, tags and expiry (null: never expires); managers archive."""
    repo = MaterialRepository(session, user.tenant_id)
    needed: Permission = "manager" if patch.archived is not None else "contributor"
    material = await _material(repo, user, material_id, needed)
    sent = patch.model_fields_set
    if not sent:
        raise Unprocessable("nothing to change: send title, description, tags, expires_at or archived")
    if patch.title is not None:
        material.title = patch.title
    if patch.description is not None:
        material.description = patch.description
    if patch.tags is not None:
        material.tags = list(patch.tags)
    if "expires_at" in sent:
        material.expires_at = patch.expires_at
    if patch.archived is not None:
        material.archived = patch.archived
    material.updated_at = utcnow()
    await repo.reindex(material)
    await session.commit()
    return await _material_view(repo, material)


@router.delete("/materials/{material_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(403))
async def delete_material(material_id: str, user: CurrentUser, session: SessionDep) -> None:
    """Removes the material, its versions and its links (managers; to keep it out of use, archive it)."""
    repo = MaterialRepository(session, user.tenant_id)
    await repo.delete(await _material(repo, user, material_id, "manager"))
    await session.commit()


@router.get("/materials/{material_id}/versions", responses=answers(403))
async def list_versions(material_id: str, user: CurrentUser, session: SessionDep) -> list[VersionView]:
    repo = MaterialRepository(session, user.tenant_id)
    await _material(repo, user, material_id, "viewer")
    return [_version_view(v) for v in await repo.versions(material_id)]


@router.post(
    "/materials/{material_id}/versions", status_code=status.HTTP_201_CREATED, responses=answers(403, 422)
)
@body_limit(_document_limit)
async def add_version(
    material_id: str, body: VersionIn, user: CurrentUser, session: SessionDep, state: StateDep
) -> MaterialView:
    """A new current version (contributors); links shared before keep the version they were made with."""
    repo = MaterialRepository(session, user.tenant_id)
    material = await _material(repo, user, material_id, "contributor")
    content = await _content(body, material.kind, user, session, state, material.douyin_item_id)
    await repo.add_version(material, replace(content, note=body.note), user.user_id)
    await session.commit()
    return await _material_view(repo, material)


@router.get("/materials/{material_id}/file", response_class=Response, responses=answers(403))
async def material_file(
    material_id: str,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    """The file of the current (or a given) version, for people of the library."""
    repo = MaterialRepository(session, user.tenant_id)
    material = await _material(repo, user, material_id, "viewer")
    found = await repo.version(material_id, version or material.current_version)
    if found is None or found.media_key is None:
        raise NotFound(f"material {material_id} has no file at that version")
    return FileResponse(
        state.media.path(found.media_key), media_type=found.mime_type, filename=found.file_name
    )


# -- share links ------------------------------------------------------------------------------------------


@router.post(
    "/materials/{material_id}/share", status_code=status.HTTP_201_CREATED, responses=answers(403, 409, 422)
)
async def share_material(
    material_id: str, body: ShareIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ShareView:
    """A tracked link for one customer on our public host (PUBLIC_BASE_URL); it ends at the material's own
    expiry at the latest. Each open and download counts for the customer's score."""
    repo = MaterialRepository(session, user.tenant_id)
    material = await _material(repo, user, material_id, "viewer")
    now = utcnow()
    problem = send_problem(material, now)
    if problem is not None:
        raise MaterialNotSendable(problem)
    shares = ShareRepository(session, user.tenant_id)
    if await shares.customer(body.customer_id) is None:
        raise Unprocessable(f"customer_id {body.customer_id} is not a customer of this tenant")
    if body.conversation_id is not None:
        conversation = await session.scalar(
            select(Conversation).where(
                Conversation.id == body.conversation_id,
                Conversation.tenant_id == user.tenant_id,
                Conversation.customer_id == body.customer_id,
            )
        )
        if conversation is None:
            raise Unprocessable(f"conversation_id {body.conversation_id} is not this customer's conversation")
    expires = now + timedelta(hours=body.expires_in_hours)
    if material.expires_at is not None:
        expires = min(expires, material.expires_at)
    link = await shares.create(
        NewShare(
            material=material,
            customer_id=body.customer_id,
            conversation_id=body.conversation_id,
            expires_at=expires,
            access_code=body.access_code,
            shared_by="agent",
            user_id=user.user_id,
        )
    )
    await session.commit()
    return _share_view(link, settings.public_base_url, [])


async def _events(shares: ShareRepository, link: MaterialShareLink) -> list[ShareEventView]:
    return [
        ShareEventView(kind=e.kind, at=e.at, user_agent=e.user_agent)  # type: ignore[arg-type]
        for e in await shares.events(link.id)
    ]


@router.get("/materials/{material_id}/shares", responses=answers(403))
async def list_shares(
    material_id: str, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> list[ShareView]:
    """The material's links, newest first, with their opens and downloads."""
    repo = MaterialRepository(session, user.tenant_id)
    await _material(repo, user, material_id, "viewer")
    shares = ShareRepository(session, user.tenant_id)
    return [
        _share_view(link, settings.public_base_url, await _events(shares, link))
        for link in await shares.links(material_id)
    ]


@router.get("/material-share-links/{link_id}", responses=answers(403))
async def get_share(link_id: str, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> ShareView:
    """One link with every open and download."""
    shares = ShareRepository(session, user.tenant_id)
    link = await shares.get(link_id)
    if link is None:
        raise NotFound(f"share link {link_id} not found")
    await _material(MaterialRepository(session, user.tenant_id), user, link.material_id, "viewer")
    return _share_view(link, settings.public_base_url, await _events(shares, link))
