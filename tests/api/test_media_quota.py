"""A tenant's stored media stays within MEDIA_QUOTA_BYTES: an upload past it is refused, saying what is used."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import ContentAsset
from douflow.settings import Settings
from tests.support.auth import TestUser, user_with_token
from tests.support.publishing import mp4_bytes, png_bytes


async def _stored_already(sessionmaker: async_sessionmaker[AsyncSession], user: TestUser, size: int) -> None:
    """A video the tenant stores (its row is what counts)."""
    async with sessionmaker() as session:
        session.add(
            ContentAsset(
                tenant_id=user.tenant_id, role="video", storage_key=f"{user.tenant_id}/2026/{uuid.uuid4().hex}.mp4",
                mime_type="video/mp4", size_bytes=size, source="upload", created_by=user.user_id,
            )
        )  # fmt: skip
        await session.commit()


async def _upload(http: httpx.AsyncClient, user: TestUser, data: bytes) -> httpx.Response:
    return await http.post("/api/v1/media", files={"file": ("f", data)}, headers=user.headers)


async def test_an_upload_past_the_quota_is_a_413_with_what_is_used(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await user_with_token(http, sessionmaker, "quota-co", "quinn", "operator")
    await _stored_already(sessionmaker, user, settings.media_quota_bytes - 5_000)
    image = png_bytes()

    fits = await _upload(http, user, image)
    too_much = await _upload(http, user, mp4_bytes(10_000))

    assert fits.status_code == 201, fits.text
    assert too_much.status_code == 413, too_much.text
    answer = too_much.json()
    assert answer["code"] == "quota_exceeded"
    assert (answer["used_bytes"], answer["quota_bytes"]) == (
        settings.media_quota_bytes - 5_000 + len(image),
        settings.media_quota_bytes,
    )
    assert "media storage quota reached" in answer["detail"] and "removed after 24 hours" in answer["detail"]


async def test_a_full_tenant_is_refused_before_its_upload_is_read(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await user_with_token(http, sessionmaker, "quota-full", "fred", "operator")
    await _stored_already(sessionmaker, user, settings.media_quota_bytes)

    refused = await _upload(http, user, png_bytes())

    assert refused.status_code == 413 and refused.json()["code"] == "quota_exceeded"
    assert refused.json()["used_bytes"] == settings.media_quota_bytes
