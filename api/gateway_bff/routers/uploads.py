"""Uploading media (videos up to 4 GB, images up to 20 MB) and attaching it to a content for publishing."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, status
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from api.gateway_bff.deps import Operator, SessionDep, SettingsDep, StateDep
from api.gateway_bff.errors import Conflict, DomainError, NotFound
from api.gateway_bff.guarded_route import GuardedRoute, body_limit
from api.gateway_bff.media_links import media_link
from api.gateway_bff.media_quota import Quota, QuotaExceeded, tenant_quota
from api.gateway_bff.media_upload import (
    FILE_FIELD,
    MULTIPART_OVERHEAD,
    TEXT_FIELD_MAX,
    TEXT_FIELDS,
    Limits,
    ReceivedMedia,
    receive_media,
)
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.media import AttachAssets, UploadedAsset
from douflow.content.contents import ContentRepository
from douflow.db.tables import ContentAsset
from douflow.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["media"], route_class=GuardedRoute)


def _view(asset: ContentAsset, settings: Settings) -> UploadedAsset:
    return UploadedAsset(
        id=asset.id,
        role=asset.role,
        url=media_link(settings.jwt_secret.get_secret_value(), asset.tenant_id, asset.id, time.time()),
        mime_type=asset.mime_type,
        size_bytes=asset.size_bytes,
        width=asset.width,
        height=asset.height,
        content_id=asset.content_id,
        position=asset.position,
    )


async def _next_position(session: SessionDep, tenant_id: str, content_id: str) -> int:
    highest = await session.scalar(
        select(func.max(ContentAsset.position)).where(
            ContentAsset.tenant_id == tenant_id, ContentAsset.content_id == content_id
        )
    )
    return 0 if highest is None else highest + 1


# Read by hand (streamed, sniffed), so FastAPI cannot see the form: this is what `receive_media` reads.
_UPLOAD_FORM = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {
                    FILE_FIELD: {"type": "string", "format": "binary"},
                    **{name: {"type": "string", "maxLength": TEXT_FIELD_MAX} for name in TEXT_FIELDS},
                },
            }
        }
    },
}


@router.post(
    "/media",
    status_code=status.HTTP_201_CREATED,
    responses=answers(400, 404, 413, 415),
    openapi_extra={"requestBody": _UPLOAD_FORM},
)
@body_limit(lambda settings: settings.max_upload_bytes + MULTIPART_OVERHEAD)
async def upload_media(
    request: Request, user: Operator, session: SessionDep, state: StateDep, settings: SettingsDep
) -> UploadedAsset:
    """Multipart field `file` (JPEG/PNG/WebP ≤ 20 MB, MP4/MOV/WebM ≤ 4 GB), optional `content_id`,
    `caption`, `description`. Streamed to storage; the type is read from the file's first bytes. The
    tenant's stored media must stay within MEDIA_QUOTA_BYTES (413 `quota_exceeded`, with what is used)."""
    async with state.sessionmaker() as reading:  # not held open while the file streams
        quota = await tenant_quota(ContentRepository(reading, user.tenant_id), settings)
    received = await receive_media(request, state.media, user.tenant_id, _limits(settings, quota))
    repo = ContentRepository(session, user.tenant_id)
    try:
        await _check_quota_again(repo, settings, received.size_bytes)
        content_id = received.fields.get("content_id") or None
        if content_id and await repo.get(content_id) is None:
            raise NotFound(f"content {content_id} not found")
    except DomainError:
        state.media.path(received.key).unlink(missing_ok=True)
        raise
    asset = _asset_row(received, user.tenant_id, user.user_id, content_id)
    if content_id:
        asset.position = await _next_position(session, user.tenant_id, content_id)
    repo.add(asset)
    await session.flush()
    repo.audit(
        user.user_id, "media.uploaded", "asset", asset.id, role=asset.role, size_bytes=asset.size_bytes
    )
    await session.commit()
    return _view(asset, settings)


def _limits(settings: SettingsDep, quota: Quota) -> Limits:
    return Limits(
        video_bytes=settings.max_upload_bytes,
        image_bytes=settings.max_image_upload_bytes,
        image_pixels=settings.max_image_pixels,
        quota=quota,
        grace_hours=settings.media_unattached_grace_hours,
    )


async def _check_quota_again(repo: ContentRepository, settings: SettingsDep, size: int) -> None:
    """Other uploads of the tenant may have finished while this one streamed."""
    quota = await tenant_quota(repo, settings)
    if size > quota.left:
        raise QuotaExceeded(quota, settings.media_unattached_grace_hours)


@router.post("/contents/{content_id}/assets", responses=answers(409))
async def attach_assets(
    content_id: str, body: AttachAssets, user: Operator, session: SessionDep, settings: SettingsDep
) -> list[UploadedAsset]:
    """Attaches uploaded media to a content, in the order given (images become the post's pages)."""
    repo = ContentRepository(session, user.tenant_id)
    if await repo.get(content_id) is None:
        raise NotFound(f"content {content_id} not found")
    position = await _next_position(session, user.tenant_id, content_id)
    attached: list[ContentAsset] = []
    for asset_id in dict.fromkeys(body.asset_ids):
        asset = await repo.asset(asset_id)
        if asset is None:
            raise NotFound(f"media {asset_id} not found")
        if asset.content_id not in (None, content_id):
            raise Conflict(f"media {asset_id} is attached to another content")
        if asset.content_id is None:
            asset.content_id, asset.position = content_id, position
            position += 1
        attached.append(asset)
    repo.audit(
        user.user_id, "content.assets_attached", "content", content_id, asset_ids=[a.id for a in attached]
    )
    try:
        await session.commit()
    except StaleDataError as exc:
        # The cleanup removed one of them in the meantime (it stays removed only if still unattached).
        await session.rollback()
        raise NotFound("a media file was removed before it could be attached: upload it again") from exc
    return [_view(a, settings) for a in attached]


def _asset_row(received: ReceivedMedia, tenant_id: str, user_id: str, content_id: str | None) -> ContentAsset:
    return ContentAsset(
        tenant_id=tenant_id,
        content_id=content_id,
        role=received.kind.role,
        position=0,
        storage_key=received.key,
        mime_type=received.kind.mime_type,
        size_bytes=received.size_bytes,
        width=received.width,
        height=received.height,
        source="upload",
        description=received.fields.get("description", ""),
        caption=received.fields.get("caption", ""),
        created_by=user_id,
    )
