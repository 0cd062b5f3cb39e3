"""Serving stored images and videos of the caller's tenant.

Each answer names a file (`Content-Disposition`): shown in place when it is one of the types uploads are
checked to be, downloaded otherwise; with `nosniff` (every answer has it) a browser never renders it as
anything else.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.media_sniff import INLINE_TYPES
from douflow.content.contents import ContentRepository

router = APIRouter(prefix="/api/v1/media", tags=["media"], route_class=GuardedRoute)


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
    path = state.media.path(asset.storage_key)
    return FileResponse(
        path,
        media_type=asset.mime_type,
        filename=f"{asset.id}{path.suffix}",
        content_disposition_type="inline" if asset.mime_type in INLINE_TYPES else "attachment",
    )
