"""Serving stored images and videos of the caller's tenant: to a bearer, or to whoever holds a signed link
the API handed out (`media_links.py`: what an `<img>` or `<video>` opens, since it sends no header).

Each answer names a file (`Content-Disposition`): shown in place when it is one of the types uploads are
checked to be, downloaded otherwise; with `nosniff` (every answer has it) a browser never renders it as
anything else.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from api.gateway_bff.deps import CurrentUser, SessionDep, SettingsDep, StateDep
from api.gateway_bff.errors import Forbidden, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.media_links import link_holds
from api.gateway_bff.media_sniff import INLINE_TYPES
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.state import BffState
from douflow.content.contents import ContentRepository
from douflow.db.tables import ContentAsset

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
    return _file(state, asset)


def _file(state: BffState, asset: ContentAsset) -> FileResponse:
    path = state.media.path(asset.storage_key)
    return FileResponse(
        path,
        media_type=asset.mime_type,
        filename=f"{asset.id}{path.suffix}",
        content_disposition_type="inline" if asset.mime_type in INLINE_TYPES else "attachment",
    )


@router.get(
    "/{asset_id}/file",
    response_class=FileResponse,
    responses={200: {"description": "the file", "content": _MEDIA}, **answers(403, 404)},
)
async def get_linked_media(
    asset_id: str,
    expires: Annotated[int, Query(ge=0, le=2**40, description="from the link the API answered")],
    signature: Annotated[str, Query(pattern="^[0-9a-f]{64}$", description="from the link the API answered")],
    session: SessionDep,
    state: StateDep,
    settings: SettingsDep,
) -> FileResponse:
    """The file a signed link names (an asset's `url` in a content or upload answer), without a header."""
    asset = await session.get(ContentAsset, asset_id)
    secret = settings.jwt_secret.get_secret_value()
    if asset is None or not link_holds(secret, asset.tenant_id, asset.id, expires, signature, time.time()):
        raise Forbidden("media link not valid or expired: read the content again for a fresh one")
    if not state.media.exists(asset.storage_key):
        raise NotFound(f"media {asset_id} not found")
    return _file(state, asset)
