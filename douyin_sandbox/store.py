"""Sandbox state: grants, tokens, uploads, published items, their comments and private messages, optionally
persisted to one JSON file.

Tokens are keyed by their sha256 so the state file never holds a usable credential.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import anyio
from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuthCode(BaseModel):
    open_id: str
    scopes: list[str]
    redirect_uri: str
    expires_at: float
    used: bool = False


class Grant(BaseModel):
    """What one user granted this app; tokens read scopes from here, so revoking a scope bites at once."""

    open_id: str
    scopes: list[str]
    granted_at: float


class AccessToken(BaseModel):
    open_id: str
    expires_at: float


class RefreshToken(BaseModel):
    open_id: str
    expires_at: float
    renewals: int = 0


class ClientToken(BaseModel):
    expires_at: float


class Upload(BaseModel):
    open_id: str
    created_at: float
    parts: dict[int, int] = Field(default_factory=dict)  # part_number -> bytes


class Media(BaseModel):
    """An uploaded video or image; usable by exactly one create call."""

    open_id: str
    kind: Literal["video", "image", "im_image"]  # im_image: uploaded for a private message (imagex)
    path: str
    size: int
    width: int
    height: int
    created_at: float
    used_by: str | None = None


class ItemProfile(BaseModel):
    """How an item's audience grows, where a test pinned it (admin `item/profile`); unset follows its seed."""

    reach: int | None = Field(default=None, ge=0)  # plays it saturates towards without a take-off
    takes_off: bool | None = None  # whether the algorithm picks it up
    boost: int | None = Field(default=None, ge=1)  # a take-off multiplies the reach by this
    tau: float | None = Field(default=None, gt=0)  # seconds of (scaled) age to ~63 % of the reach


class Item(BaseModel):
    item_id: str
    video_id: str  # the plain numeric id some responses carry next to item_id
    open_id: str
    media_type: int  # 4 video, 2 image set
    text: str
    media_ids: list[str]
    created_at: float
    review_at: float
    seq: int
    seed: int
    is_reviewed: bool = False
    video_status: int = 4
    share_url: str = ""
    reject_reason: str | None = None
    profile: ItemProfile = Field(default_factory=ItemProfile)


# A card travels as "other" with a card_id.
ImMessageType = Literal["text", "image", "video", "other"]


class ImConversation(BaseModel):
    """A one-to-one chat between an authorised (enterprise) account and a customer."""

    conversation_id: str
    account_open_id: str
    customer_open_id: str


class ImMessage(BaseModel):
    """A private message in either direction; `scene` and `source` are set only for API sends."""

    server_message_id: str
    conversation_id: str
    from_open_id: str
    to_open_id: str
    direction: Literal["received", "sent"]
    message_type: ImMessageType
    created_at: float
    seq: int
    text: str = ""
    card_id: str | None = None
    card_data: list[dict[str, str]] = Field(default_factory=list)  # a submitted card's [{label, value}]
    media_id: str | None = None
    item_id: str | None = None  # a published item sent as a video message (msg_type 3)
    scene: str | None = None
    source: str = ""
    reply_to: str | None = None
    resource_path: str | None = None
    resource_width: int = 0
    resource_height: int = 0
    recalled: bool = False


class ImEnter(BaseModel):
    """A customer opened the chat page (`im_enter_direct_msg`); its id anchors a greeting."""

    server_message_id: str
    conversation_id: str
    created_at: float


class ItemComment(BaseModel):
    """A comment on an item, or a reply under one (`reply_to_comment_id`), by a customer or the item's owner."""

    comment_id: str
    item_id: str
    user_open_id: str
    content: str
    created_at: float
    seq: int
    reply_to_comment_id: str | None = None
    digg_count: int = 0
    top: bool = False
    # Set for replies made through `/item/comment/reply/` (the app's client_key), empty for ones made in-app.
    source: str = ""


class SandboxState(BaseModel):
    codes: dict[str, AuthCode] = Field(default_factory=dict)
    grants: dict[str, Grant] = Field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = Field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = Field(default_factory=dict)
    client_tokens: dict[str, ClientToken] = Field(default_factory=dict)
    uploads: dict[str, Upload] = Field(default_factory=dict)
    media: dict[str, Media] = Field(default_factory=dict)
    items: dict[str, Item] = Field(default_factory=dict)
    im_conversations: dict[str, ImConversation] = Field(default_factory=dict)
    im_messages: dict[str, ImMessage] = Field(default_factory=dict)
    im_enters: dict[str, ImEnter] = Field(default_factory=dict)
    # account open_id -> customers who authorised proactive messages (`im_authorize_message`).
    im_authorized: dict[str, list[str]] = Field(default_factory=dict)
    comments: dict[str, ItemComment] = Field(default_factory=dict)
    next_seq: int = 1


class SandboxStore:
    """Holds the state and the upload directory; callers mutate `state` then `await save()`."""

    def __init__(self, state_file: Path | None, data_dir: Path | None) -> None:
        self._state_file = state_file
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None and state_file is not None:
            data_dir = state_file.parent / "douyin-sandbox-files"
        if data_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="douyin-sandbox-")
            data_dir = Path(self._tempdir.name)
        self.data_dir = data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.state = self._load()
        self._save_lock = asyncio.Lock()

    def _load(self) -> SandboxState:
        if self._state_file is None or not self._state_file.exists():
            return SandboxState()
        logger.info("loading sandbox state from %s", self._state_file)
        return SandboxState.model_validate_json(self._state_file.read_bytes())

    async def save(self) -> None:
        if self._state_file is None:
            return
        payload = self.state.model_dump_json()
        async with self._save_lock:
            await anyio.to_thread.run_sync(self._write, payload)

    def _write(self, payload: str) -> None:
        assert self._state_file is not None
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(payload, encoding="utf-8")
        os.replace(tmp, self._state_file)

    def upload_dir(self, name: str) -> Path:
        path = self.data_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def next_seq(self) -> int:
        seq = self.state.next_seq
        self.state.next_seq += 1
        return seq

    async def reset(self) -> None:
        self.state = SandboxState()
        await anyio.to_thread.run_sync(self._clear_files)
        await self.save()

    def _clear_files(self) -> None:
        for child in self.data_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)

    def close(self) -> None:
        if self._tempdir is not None:
            self._tempdir.cleanup()
