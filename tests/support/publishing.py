"""Publishing fixtures: bound Douyin accounts, contents with media, reading a publish back."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle

from douflow.db.base import utcnow
from douflow.db.tables import Content, ContentAsset, ContentVersion, DouyinAccount, Publish
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douyin_sandbox.testing import RunningSandbox
from models.content import Actor
from models.publish import FINAL_STATUSES, PublishInput, PublishResult


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def mp4_bytes(size: int, brand: bytes = b"mp42") -> bytes:
    """An ISO base media file of `size` bytes: an `ftyp` box, then one `mdat` box holding the rest."""
    ftyp = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"isom"
    mdat = (size - len(ftyp)).to_bytes(4, "big") + b"mdat"
    return ftyp + mdat + bytes(size - len(ftyp) - len(mdat))


async def release_elsewhere(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, open_id: str
) -> None:
    """Unbinds `open_id` in every tenant but `tenant_id`: the session's tests share one database and the
    sandbox's few users, and a Douyin account is held by one tenant at a time."""
    async with sessionmaker() as session:
        await session.execute(
            update(DouyinAccount)
            .where(
                DouyinAccount.open_id == open_id,
                DouyinAccount.tenant_id != tenant_id,
                DouyinAccount.status.not_in(["revoked", "unbound"]),
            )
            .values(status="unbound", access_token_enc=None, refresh_token_enc=None)
        )
        await session.commit()


async def bind_account(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    tenant_id: str,
    open_id: str,
) -> str:
    """A bound account of the tenant with fresh sandbox tokens (what the OAuth callback stores); the
    open_id is released from any other tenant first, as one tenant at a time holds a Douyin account."""
    await release_elsewhere(sessionmaker, tenant_id, open_id)
    tokens = await sandbox.issue_tokens(open_id)
    box = SecretBox(settings.encryption_key.get_secret_value())
    now = utcnow()
    async with sessionmaker() as session:
        account = await session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.tenant_id == tenant_id, DouyinAccount.open_id == open_id
            )
        )
        if account is None:
            account = DouyinAccount(tenant_id=tenant_id, open_id=open_id, bound_by="tests")
            session.add(account)
        account.scopes = str(tokens["scope"]).split(",")
        account.access_token_enc = box.encrypt(tokens["access_token"])
        account.refresh_token_enc = box.encrypt(tokens["refresh_token"])
        account.access_expires_at = now + timedelta(seconds=int(tokens["expires_in"]))
        account.refresh_expires_at = now + timedelta(days=30)
        account.status = "ok"
        await session.commit()
        return account.id


async def image_post(
    sessionmaker: async_sessionmaker[AsyncSession],
    media: LocalMediaStore,
    tenant_id: str,
    user_id: str,
    *,
    title: str,
    body: str = "照着这几条来，会省心很多。",
    images: int = 2,
    hashtags: list[str] | None = None,
) -> str:
    """An image_post content with `images` stored images, as ImageTextWorkflow would save it."""
    content_id = str(uuid.uuid4())
    post = {
        "platform": "douyin",
        "title": title,
        "body": body,
        "hashtags": hashtags or ["#测试"],
        "images": [],
    }
    async with sessionmaker() as session:
        session.add(_content(content_id, tenant_id, user_id, "image_post", title))
        await session.flush()
        session.add(_version(content_id, tenant_id, user_id, title, post))
        for index in range(images):
            stored = await media.put(png_bytes(color=(index * 20 % 255, 90, 160)), tenant_id=tenant_id,
                                     suffix=".png", mime_type="image/png")  # fmt: skip
            session.add(_asset(content_id, tenant_id, user_id, "cover" if index == 0 else "image", index,
                               stored.key, "image/png", stored.size_bytes))  # fmt: skip
        await session.commit()
    return content_id


async def video_post(
    sessionmaker: async_sessionmaker[AsyncSession],
    media: LocalMediaStore,
    tenant_id: str,
    user_id: str,
    *,
    title: str,
    size: int,
) -> str:
    """A video_script content with an attached video of `size` bytes."""
    content_id = str(uuid.uuid4())
    script = {"title": title, "shots": []}
    async with sessionmaker() as session:
        session.add(_content(content_id, tenant_id, user_id, "video_script", title))
        await session.flush()
        session.add(_version(content_id, tenant_id, user_id, title, script))
        stored = await media.put(mp4_bytes(size), tenant_id=tenant_id, suffix=".mp4", mime_type="video/mp4")
        session.add(_asset(content_id, tenant_id, user_id, "video", 0, stored.key, "video/mp4", size))
        await session.commit()
    return content_id


async def start_publish(
    client: Client,
    settings: Settings,
    actor: Actor,
    content_id: str,
    account_id: str,
    *,
    review_max_polls: int,
    reconcile_window_seconds: float = 8,
    content_version: int | None = None,
    workflow_id: str | None = None,
) -> WorkflowHandle[Any, PublishResult]:
    """Starts PublishWorkflow as the BFF does, polling the review every second.

    The sandbox lists a new item at once (unless told to lag), so a short reconcile window suffices.
    """
    arg = PublishInput(
        actor=actor,
        content_id=content_id,
        account_id=account_id,
        content_version=content_version,
        review_poll_seconds=1,
        review_max_polls=review_max_polls,
        reconcile_window_seconds=reconcile_window_seconds,
    )
    return await client.start_workflow(
        "PublishWorkflow",
        arg,
        id=workflow_id or f"publish-{content_id}-{account_id}",
        task_queue=queue(settings, ORCHESTRATION),
        result_type=PublishResult,
    )


async def publish_row(sessionmaker: async_sessionmaker[AsyncSession], publish_id: str) -> Publish | None:
    async with sessionmaker() as session:
        return await session.get(Publish, publish_id)


def is_final(row: Publish | dict[str, Any] | None) -> bool:
    status = row.get("status") if isinstance(row, dict) else (row.status if row else None)
    return status in FINAL_STATUSES


def _content(content_id: str, tenant_id: str, user_id: str, kind: str, title: str) -> Content:
    return Content(
        id=content_id,
        tenant_id=tenant_id,
        kind=kind,
        status="draft",
        title=title,
        topic="测试",
        platform="douyin",
        current_version=1,
        created_by=user_id,
        compliance={"passed": True, "findings": []},
    )


def _version(
    content_id: str, tenant_id: str, user_id: str, title: str, body: dict[str, Any]
) -> ContentVersion:
    return ContentVersion(
        tenant_id=tenant_id,
        content_id=content_id,
        version=1,
        title=title,
        body=body,
        change="generated",
        created_by=user_id,
    )


def _asset(
    content_id: str, tenant_id: str, user_id: str, role: str, position: int, key: str, mime: str, size: int
) -> ContentAsset:
    return ContentAsset(
        tenant_id=tenant_id,
        content_id=content_id,
        role=role,
        position=position,
        storage_key=key,
        mime_type=mime,
        size_bytes=size,
        source="upload",
        created_by=user_id,
    )
