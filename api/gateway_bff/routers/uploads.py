"""Uploading media (videos up to 4 GB, images up to 20 MB) and attaching it to a content for publishing."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy import func, select

from api.gateway_bff.deps import Operator, SessionDep, SettingsDep, StateDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.media_upload import (
    FILE_FIELD,
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

router = APIRouter(prefix="/api/v1", tags=["media"])


def _view(asset: ContentAsset) -> UploadedAsset:
    return UploadedAsset(
        id=asset.id,
        role=asset.role,
        url=f"/api/v1/media/{asset.id}",
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
async def upload_media(
    request: Request, user: Operator, session: SessionDep, state: StateDep, settings: SettingsDep
) -> UploadedAsset:
    """Multipart field `file` (JPEG/PNG/WebP ≤ 20 MB, MP4/MOV/WebM ≤ 4 GB), optional `content_id`,
    `caption`, `description`. Streamed to storage; the type is read from the file's first bytes."""
    limits = Limits(video_bytes=settings.max_upload_bytes, image_bytes=settings.max_image_upload_bytes)
    received = await receive_media(request, state.media, user.tenant_id, limits)
    content_id = received.fields.get("content_id") or None
    if content_id and await ContentRepository(session, user.tenant_id).get(content_id) is None:
        state.media.path(received.key).unlink(missing_ok=True)
        raise NotFound(f"content {content_id} not found")
    asset = _asset_row(received, user.tenant_id, user.user_id, content_id)
    if content_id:
        asset.position = await _next_position(session, user.tenant_id, content_id)
    repo = ContentRepository(session, user.tenant_id)
    repo.add(asset)
    await session.flush()
    repo.audit(
        user.user_id, "media.uploaded", "asset", asset.id, role=asset.role, size_bytes=asset.size_bytes
    )
    await session.commit()
    return _view(asset)


@router.post("/contents/{content_id}/assets", responses=answers(409))
async def attach_assets(
    content_id: str, body: AttachAssets, user: Operator, session: SessionDep
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
    await session.commit()
    return [_view(a) for a in attached]


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
