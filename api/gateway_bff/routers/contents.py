"""Reading and editing contents; edits go through a workflow (compliance check, new version)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.media_links import media_link
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.contents import (
    AssetView,
    AuditEntry,
    ContentPage,
    ContentPatch,
    ContentSummary,
    ContentView,
    VersionView,
    validate_body,
)
from douflow.content import approvals
from douflow.content.contents import ContentRepository
from douflow.db.tables import Content, ContentAsset
from douflow.temporal import starts
from models.content import Actor, ContentEdit, ContentKind, ContentStatus
from models.workflows import ContentEditInput, ContentEditResult

router = APIRouter(prefix="/api/v1/contents", tags=["contents"], route_class=GuardedRoute)
# Deeper than any tenant's library; past it a client pages by filters, and the database never overflows.
MAX_OFFSET = 1_000_000


def _asset_view(asset: ContentAsset, secret: str, now: float) -> AssetView:
    return AssetView(
        id=asset.id,
        role=asset.role,
        position=asset.position,
        url=media_link(secret, asset.tenant_id, asset.id, now),
        mime_type=asset.mime_type,
        size_bytes=asset.size_bytes,
        width=asset.width,
        height=asset.height,
        source=asset.source,
        description=asset.description,
        caption=asset.caption,
    )


def _summary(content: Content) -> ContentSummary:
    return ContentSummary(
        id=content.id,
        kind=content.kind,
        status=content.status,
        title=content.title,
        topic=content.topic,
        platform=content.platform,
        version=content.current_version,
        compliance_passed=bool(content.compliance.get("passed", True)),
        created_at=content.created_at,
        updated_at=content.updated_at,
    )


async def _load(repo: ContentRepository, content_id: str) -> Content:
    content = await repo.get(content_id, with_assets=True)
    if content is None:
        raise NotFound(f"content {content_id} not found")
    return content


@router.get("")
async def list_contents(
    user: CurrentUser,
    session: SessionDep,
    kind: ContentKind | None = None,
    status: ContentStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ContentPage:
    """The tenant's contents, newest first, filtered by kind and status."""
    rows, total = await ContentRepository(session, user.tenant_id).list(
        kind=kind, status=status, limit=limit, offset=offset
    )
    return ContentPage(items=[_summary(c) for c in rows], total=total, limit=limit, offset=offset)


@router.get("/{content_id}")
async def get_content(
    content_id: str, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ContentView:
    repo = ContentRepository(session, user.tenant_id)
    content = await _load(repo, content_id)
    version = await repo.version(content.id, content.current_version)
    return ContentView(
        id=content.id,
        kind=content.kind,
        status=content.status,
        status_detail=content.status_detail,
        title=content.title,
        topic=content.topic,
        platform=content.platform,
        version=content.current_version,
        body=version.body if version else {},
        compliance=content.compliance,
        workflow_id=content.workflow_id,
        source_content_id=content.source_content_id,
        brand_id=content.brand_id,
        brand_version=content.brand_version,
        created_by=content.created_by,
        created_at=content.created_at,
        updated_at=content.updated_at,
        assets=[_asset_view(a, settings.jwt_secret.get_secret_value(), time.time()) for a in content.assets],
        approval_state=content.approval_state,
        ai_declaration=content.ai_declaration,
    )


@router.get("/{content_id}/versions")
async def list_versions(content_id: str, user: CurrentUser, session: SessionDep) -> list[VersionView]:
    """The whole edit history; every version is kept."""
    repo = ContentRepository(session, user.tenant_id)
    await _load(repo, content_id)
    return [
        VersionView(
            version=v.version,
            title=v.title,
            body=v.body,
            change=v.change,
            created_by=v.created_by,
            created_at=v.created_at,
        )
        for v in await repo.versions(content_id)
    ]


@router.get("/{content_id}/audit")
async def audit_trail(content_id: str, user: CurrentUser, session: SessionDep) -> list[AuditEntry]:
    """Who generated and edited this content, and when."""
    repo = ContentRepository(session, user.tenant_id)
    await _load(repo, content_id)
    return [
        AuditEntry(action=e.action, actor_id=e.actor_id, detail=e.detail, created_at=e.created_at)
        for e in await repo.audit_trail("content", content_id)
    ]


@router.patch("/{content_id}", response_model=ContentView, responses=runner.ACCEPTED | answers(409, 502))
async def edit_content(
    content_id: str,
    patch: ContentPatch,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    key: runner.Key,
) -> ContentView | JSONResponse:
    """Edits title, body or status; a text change is compliance-checked and becomes a new version.

    `ai_declaration` switches the tenant's AI declaration line off (or on again) for this content; it is
    audited and applies to publishes started from then on.
    """
    repo = ContentRepository(session, user.tenant_id)
    content = await _load(repo, content_id)
    if patch.ai_declaration is not None:
        await _switch_declaration(session, content, patch.ai_declaration, user.user_id)
    if not patch.edits():
        return await get_content(content_id, user, session, settings)
    body = None
    if patch.body is not None:
        current = await repo.version(content.id, content.current_version)
        request = (current.body if current else {}).get("request")
        try:
            body = validate_body(content.kind, patch.body)
        except ValueError as exc:
            # Sound on its own; it is the content's kind (what the path names) that it does not fit.
            raise Conflict(str(exc)) from exc
        if request is not None:
            body["request"] = request
    base = patch.base_version if patch.base_version is not None else content.current_version
    edit = ContentEdit(
        content_id=content.id,
        actor=Actor(tenant_id=user.tenant_id, user_id=user.user_id),
        base_version=base,
        title=patch.title,
        body=body,
        status=patch.status,
    )
    run = starts.content_edit(
        ContentEditInput(edit=edit), title=content.title, request_key=key.value, named_base=patch.base_version
    )
    started = await runner.start(temporal, settings, run, ContentEditResult, key)
    if await runner.wait_result(started, ContentEditResult, settings.bff_sync_timeout_seconds) is None:
        # Still running: say so rather than answer with the unedited content.
        return runner.accepted(started.workflow_id)
    await session.rollback()  # read what the workflow wrote, not this session's snapshot
    return await get_content(content_id, user, session, settings)


async def _switch_declaration(session: AsyncSession, content: Content, on: bool, user_id: str) -> None:
    """The switch changes the text that would be published, so, like an edit, it voids an approval or a
    pending review of the text with (or without) the line."""
    if content.ai_declaration == on:
        return
    content.ai_declaration = on
    repo = ContentRepository(session, content.tenant_id)
    repo.audit(user_id, "content.ai_declaration", "content", content.id, enabled=on)
    voided = approvals.reset_after_edit(content)
    if voided is not None:
        repo.audit(
            user_id,
            "approval.reset",
            "content",
            content.id,
            was=voided,
            version=content.approval_version,
            because="ai_declaration",
        )
    await session.commit()
