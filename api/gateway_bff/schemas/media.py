"""Uploaded media: what the upload routes take and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody


class UploadedAsset(BaseModel):
    id: str
    role: str
    url: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    content_id: str | None
    position: int


class AttachAssets(RequestBody):
    asset_ids: list[str] = Field(min_length=1, max_length=50)
