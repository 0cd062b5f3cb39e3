"""Serving stored images and videos of the caller's tenant."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.errors import NotFound
from douflow.content.contents import ContentRepository

router = APIRouter(prefix="/api/v1/media", tags=["media"])


# Stored media are images and videos the upload sniffed, or images a generation made.
_MEDIA = {
    "image/*": {"schema": {"type": "string", "format": "binary"}},
    "video/*": {"schema": {"type": "string", "format": "binary"}},
}


@router.get(
    "/{asset_id}",
    response_class=FileResponse,
    responses={200: {"description": "the file", "content": _MEDIA}},
)
async def get_media(asset_id: str, user: CurrentUser, session: SessionDep, state: StateDep) -> FileResponse:
    asset = await ContentRepository(session, user.tenant_id).asset(asset_id)
    if asset is None or not state.media.exists(asset.storage_key):
        raise NotFound(f"media {asset_id} not found")
    return FileResponse(state.media.path(asset.storage_key), media_type=asset.mime_type)
