"""Async HTTP client for the Douyin Open Platform endpoints DouFlow uses.

No retries here: Temporal owns them. Every call has an explicit timeout, every failure becomes a
`DouyinError` subclass (see errors.py), and tokens never reach the logs.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import httpx
from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from activities.douyin.envelope import Envelope, parse_envelope
from activities.douyin.errors import (
    DouyinError,
    DouyinRateLimited,
    DouyinRejected,
    DouyinTransientError,
    DouyinUnknownOutcome,
    Operation,
    error_for_code,
)

logger = logging.getLogger(__name__)

MB = 1024 * 1024
API_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=120.0, pool=10.0)
# Above 50 MB the platform recommends the part upload; above 128 MB it is mandatory.
SIMPLE_UPLOAD_THRESHOLD = 50 * MB
SIMPLE_UPLOAD_MAX = 128 * MB
CHUNK_SIZE = 20 * MB
MIN_CHUNK_SIZE = 5 * MB
DEFAULT_RETRY_AFTER = 2.0

VIDEO_STATUS_PUBLIC = 5
VIDEO_STATUS_REJECTED = 2
VIDEO_STATUS_REVIEWING = 4


def _loose_str(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


LooseStr = Annotated[str, BeforeValidator(_loose_str)]


class DouyinModel(BaseModel):
    """Lax parsing: the platform sends numbers as strings often enough that it must not matter."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TokenModel(DouyinModel):
    """A reply carrying tokens: a parse error must not quote them (it reaches logs and Temporal history)."""

    model_config = ConfigDict(hide_input_in_errors=True)


class ClientToken(TokenModel):
    access_token: str = Field(repr=False)
    expires_in: int


class OAuthToken(TokenModel):
    access_token: str = Field(repr=False)
    refresh_token: str = Field(repr=False)
    expires_in: int
    refresh_expires_in: int = 0
    open_id: str
    scope: str = ""
    union_id: str | None = Field(default=None, validation_alias=AliasChoices("union_id", "unionid"))

    @property
    def scopes(self) -> list[str]:
        return [s for s in self.scope.split(",") if s]


class RenewedRefreshToken(TokenModel):
    refresh_token: str = Field(repr=False)
    expires_in: int


class UserInfo(DouyinModel):
    open_id: str
    union_id: str | None = None
    nickname: str = ""
    avatar: str = ""
    e_account_role: str = ""


class UploadedVideo(DouyinModel):
    video_id: str
    width: int = 0
    height: int = 0


class UploadedImage(DouyinModel):
    image_id: str
    width: int = 0
    height: int = 0


class PublishedItem(DouyinModel):
    item_id: str
    video_id: LooseStr | None = None


class VideoStatistics(DouyinModel):
    play_count: int = 0
    digg_count: int = 0
    comment_count: int = 0
    share_count: int = 0
    download_count: int = 0
    forward_count: int = 0


class VideoItem(DouyinModel):
    item_id: str
    video_id: LooseStr | None = None
    title: str = ""
    cover: str = ""
    create_time: int = 0
    is_top: bool = False
    is_reviewed: bool = False
    video_status: int = 0
    media_type: int = 0
    share_url: str = ""
    statistics: VideoStatistics = Field(default_factory=VideoStatistics)

    @property
    def is_public(self) -> bool:
        return self.video_status == VIDEO_STATUS_PUBLIC

    @property
    def is_rejected(self) -> bool:
        return self.is_reviewed and self.video_status == VIDEO_STATUS_REJECTED


class VideoPage(DouyinModel):
    cursor: int = 0
    has_more: bool = False
    items: list[VideoItem] = Field(default_factory=list, validation_alias=AliasChoices("list", "items"))


class SentMessage(DouyinModel):
    msg_id: str


class ItemCommentRow(DouyinModel):
    comment_id: LooseStr
    comment_user_id: str = ""
    content: str = ""
    create_time: int = 0


class CommentPage(DouyinModel):
    items: list[ItemCommentRow] = Field(default_factory=list, validation_alias=AliasChoices("list", "items"))
    cursor: int = 0
    has_more: bool = False


class _FileSlice(io.RawIOBase):
    """A read-only window on a file, so a part upload streams from disk instead of memory."""

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        self._handle, self._start, self._length, self._pos = handle, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        remaining = self._length - self._pos
        size = remaining if size is None or size < 0 else min(size, remaining)
        if size <= 0:
            return b""
        self._handle.seek(self._start + self._pos)
        data = self._handle.read(size)
        self._pos += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, min(self._length, base + offset))
        return self._pos

    def tell(self) -> int:
        return self._pos


class DouyinClient:
    """One instance per process; share the `httpx.AsyncClient` (it carries no retry transport)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        client_key: str,
        client_secret: str,
        *,
        simple_upload_threshold: int = SIMPLE_UPLOAD_THRESHOLD,
        chunk_size: int = CHUNK_SIZE,
        api_timeout: httpx.Timeout = API_TIMEOUT,
        upload_timeout: httpx.Timeout = UPLOAD_TIMEOUT,
    ) -> None:
        if simple_upload_threshold > SIMPLE_UPLOAD_MAX:
            raise ValueError("the platform refuses simple uploads above 128 MB")
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._client_key = client_key
        self._client_secret = client_secret
        self._simple_upload_threshold = simple_upload_threshold
        self._chunk_size = chunk_size
        self._api_timeout = api_timeout
        self._upload_timeout = upload_timeout

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        operation: Operation = "api",
        http_timeout: httpx.Timeout | None = None,
        **kwargs: Any,
    ) -> Envelope:
        """Send once and unwrap; transport failures are split by whether the server may have acted."""
        try:
            response = await self._http.request(
                method, self._base_url + path, timeout=http_timeout or self._api_timeout, **kwargs
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left this process: always safe to retry.
            raise DouyinTransientError(f"{path}: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            if idempotent:
                raise DouyinTransientError(f"{path}: {type(exc).__name__}") from exc
            raise DouyinUnknownOutcome(f"{path}: reply lost ({type(exc).__name__})") from exc
        return self._unwrap(path, response, idempotent=idempotent, operation=operation)

    def _unwrap(
        self, path: str, response: httpx.Response, *, idempotent: bool, operation: Operation
    ) -> Envelope:
        if response.status_code == 429:
            raise DouyinRateLimited(f"{path}: HTTP 429", retry_after=_retry_after(response))
        if response.status_code >= 500:
            if idempotent:
                raise DouyinTransientError(f"{path}: HTTP {response.status_code}")
            raise DouyinUnknownOutcome(f"{path}: HTTP {response.status_code} after the request was sent")
        try:
            payload = response.json()
        except ValueError as exc:
            if response.status_code >= 400:
                raise DouyinRejected(f"{path}: HTTP {response.status_code}") from exc
            if idempotent:
                raise DouyinTransientError(f"{path}: unreadable body") from exc
            raise DouyinUnknownOutcome(f"{path}: unreadable body after the request was sent") from exc
        envelope = parse_envelope(payload)
        if envelope.code == -1 and not idempotent:
            raise DouyinUnknownOutcome(f"{path}: unrecognised reply (HTTP {response.status_code})")
        if envelope.code != 0:
            logger.info("douyin %s failed: code=%s log_id=%s", path, envelope.code, envelope.log_id)
            raise error_for_code(
                envelope.code,
                envelope.message,
                envelope.log_id,
                operation=operation,
                sub_code=envelope.sub_code,
            )
        if response.status_code >= 400:
            raise DouyinRejected(f"{path}: HTTP {response.status_code}", log_id=envelope.log_id)
        return envelope

    @staticmethod
    def _user(token: str, open_id: str) -> dict[str, Any]:
        return {"headers": {"access-token": token}, "params": {"open_id": open_id}}

    # -- OAuth -------------------------------------------------------------------------------

    async def client_token(self) -> ClientToken:
        body = {
            "client_key": self._client_key,
            "client_secret": self._client_secret,
            "grant_type": "client_credential",
        }
        env = await self._call(
            "POST", "/oauth/client_token/", json=body, idempotent=True, operation="client_token"
        )
        return ClientToken.model_validate(env.data)

    async def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        """New access token; the refresh token (and its expiry) stays the same."""
        form = {"client_key": self._client_key, "grant_type": "refresh_token", "refresh_token": refresh_token}
        env = await self._call(
            "POST", "/oauth/refresh_token/", data=form, idempotent=True, operation="oauth_refresh"
        )
        return OAuthToken.model_validate({"refresh_token": refresh_token} | env.data)

    async def renew_refresh_token(self, refresh_token: str) -> RenewedRefreshToken:
        """Not idempotent: the old refresh token dies, so a lost reply is an unknown outcome."""
        form = {"client_key": self._client_key, "refresh_token": refresh_token}
        env = await self._call(
            "POST", "/oauth/renew_refresh_token/", data=form, idempotent=False, operation="oauth_renew"
        )
        return RenewedRefreshToken.model_validate(env.data)

    async def user_info(self, access_token: str, open_id: str) -> UserInfo:
        form = {"access_token": access_token, "open_id": open_id}
        env = await self._call("POST", "/oauth/userinfo/", data=form, idempotent=True)
        return UserInfo.model_validate(env.data)

    # -- publishing --------------------------------------------------------------------------

    async def upload_video(self, token: str, open_id: str, path: Path | str) -> UploadedVideo:
        """Simple upload up to the threshold, part upload above it; always streamed from disk.

        Uploads are safe to repeat (an unused video_id costs nothing), so they count as idempotent.
        """
        path = Path(path)
        size = (await asyncio.to_thread(path.stat)).st_size
        if size > self._simple_upload_threshold:
            return await self._upload_in_parts(token, open_id, path, size)
        handle = await asyncio.to_thread(path.open, "rb")
        try:
            env = await self._call(
                "POST",
                "/api/douyin/v1/video/upload_video/",
                files={"video": (path.name, handle, "video/mp4")},
                idempotent=True,
                http_timeout=self._upload_timeout,
                **self._user(token, open_id),
            )
        finally:
            await asyncio.to_thread(handle.close)
        return UploadedVideo.model_validate(env.data.get("video") or {})

    async def _upload_in_parts(self, token: str, open_id: str, path: Path, size: int) -> UploadedVideo:
        user = self._user(token, open_id)
        env = await self._call(
            "POST", "/api/douyin/v1/video/init_video_part_upload/", idempotent=True, **user
        )
        upload_id = str(env.data.get("upload_id", ""))
        handle = await asyncio.to_thread(path.open, "rb")
        try:
            for number, offset in enumerate(range(0, size, self._chunk_size), start=1):
                part = _FileSlice(handle, offset, min(self._chunk_size, size - offset))
                await self._call(
                    "POST",
                    "/api/douyin/v1/video/upload_video_part/",
                    headers=user["headers"],
                    params=user["params"] | {"upload_id": upload_id, "part_number": number},
                    files={"video": (f"{path.stem}.part{number}", part, "application/octet-stream")},
                    idempotent=True,
                    http_timeout=self._upload_timeout,
                )
        finally:
            await asyncio.to_thread(handle.close)
        env = await self._call(
            "POST",
            "/api/douyin/v1/video/complete_video_part_upload/",
            headers=user["headers"],
            params=user["params"] | {"upload_id": upload_id},
            idempotent=True,
            http_timeout=self._upload_timeout,
        )
        return UploadedVideo.model_validate(env.data.get("video") or {})

    async def upload_image(
        self, token: str, open_id: str, image: Path | str | bytes, filename: str = "image.jpg"
    ) -> UploadedImage:
        """Upload one image (≤ 20 MB) for an image-text post or a custom cover."""
        if isinstance(image, bytes):
            content: BinaryIO = io.BytesIO(image)
        else:
            path = Path(image)
            filename = path.name
            content = await asyncio.to_thread(path.open, "rb")
        try:
            env = await self._call(
                "POST",
                "/api/douyin/v1/video/upload_image/",
                files={"image": (filename, content, "application/octet-stream")},
                idempotent=True,
                http_timeout=self._upload_timeout,
                **self._user(token, open_id),
            )
        finally:
            await asyncio.to_thread(content.close)
        return UploadedImage.model_validate(env.data.get("image") or {})

    async def create_video(
        self,
        token: str,
        open_id: str,
        video_id: str,
        text: str = "",
        *,
        at_users: list[str] | None = None,
        cover_tsp: float | None = None,
        custom_cover_image_id: str | None = None,
        poi_id: str | None = None,
        poi_name: str | None = None,
        private_status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> PublishedItem:
        """Publish an uploaded video. Irreversible: a lost reply raises DouyinUnknownOutcome."""
        body = _drop_none(
            {
                "video_id": video_id,
                "text": text,
                "at_users": at_users,
                "cover_tsp": cover_tsp,
                "custom_cover_image_url": custom_cover_image_id,
                "poi_id": poi_id,
                "poi_name": poi_name,
                "private_status": private_status,
            }
        ) | (extra or {})
        env = await self._call(
            "POST",
            "/api/douyin/v1/video/create_video/",
            json=body,
            idempotent=False,
            **self._user(token, open_id),
        )
        return PublishedItem.model_validate(env.data)

    async def create_image_text(
        self,
        token: str,
        open_id: str,
        image_ids: list[str],
        text: str = "",
        *,
        at_users: list[str] | None = None,
        poi_id: str | None = None,
        poi_name: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> PublishedItem:
        """Publish an image set (≤ 30 image_ids). Irreversible, like create_video."""
        body = _drop_none(
            {
                "image_list": image_ids,
                "text": text,
                "at_users": at_users,
                "poi_id": poi_id,
                "poi_name": poi_name,
            }
        ) | (extra or {})
        env = await self._call(
            "POST",
            "/api/douyin/v1/video/create_image_text/",
            json=body,
            idempotent=False,
            **self._user(token, open_id),
        )
        return PublishedItem.model_validate(env.data)

    # -- data --------------------------------------------------------------------------------

    async def video_list(self, token: str, open_id: str, cursor: int = 0, count: int = 10) -> VideoPage:
        """One page, newest first; pass back the returned cursor, never a made-up one."""
        user = self._user(token, open_id)
        env = await self._call(
            "GET",
            "/api/douyin/v1/video/video_list/",
            headers=user["headers"],
            params=user["params"] | {"cursor": cursor, "count": count},
            idempotent=True,
        )
        return VideoPage.model_validate(env.data)

    async def video_data(self, token: str, open_id: str, item_ids: list[str]) -> list[VideoItem]:
        rows = await self.video_data_rows(token, open_id, item_ids)
        return [VideoItem.model_validate(row) for row in rows]

    async def video_data_rows(self, token: str, open_id: str, item_ids: list[str]) -> list[dict[str, Any]]:
        """video_data rows exactly as sent, for callers that archive payloads (metrics snapshots)."""
        env = await self._call(
            "POST",
            "/api/douyin/v1/video/video_data/",
            json={"item_ids": item_ids},
            idempotent=True,
            **self._user(token, open_id),
        )
        return [row for row in env.data.get("list") or [] if isinstance(row, dict)]

    async def find_item(
        self, token: str, open_id: str, *, title: str, created_after: int = 0, max_pages: int = 5
    ) -> VideoItem | None:
        """Reconcile an unknown publish outcome: the newest own item with this title created at or
        after `created_after` (unix seconds), looking at most `max_pages` pages back."""
        cursor = 0
        for _ in range(max_pages):
            page = await self.video_list(token, open_id, cursor=cursor, count=20)
            for item in page.items:
                if item.title == title and item.create_time >= created_after:
                    return item
            oldest = min((item.create_time for item in page.items), default=0)
            if not page.has_more or oldest < created_after:
                return None
            cursor = page.cursor
        return None

    # -- private messages ---------------------------------------------------------------------

    async def send_im_message(
        self,
        token: str,
        open_id: str,
        *,
        to_user_id: str,
        conversation_id: str,
        scene: str,
        content: dict[str, Any],
        msg_id: str | None = None,
    ) -> SentMessage:
        """Send one private message. Irreversible: a lost reply raises DouyinUnknownOutcome.

        The id is read from `data.msg_id` or the top-level `msg_id` (the docs show both).
        """
        body = _drop_none(
            {
                "msg_id": msg_id,
                "conversation_id": conversation_id,
                "to_user_id": to_user_id,
                "scene": scene,
                "content": content,
            }
        )
        path = "/im/send/msg/"
        env = await self._call("POST", path, json=body, idempotent=False, **self._user(token, open_id))
        sent = env.data.get("msg_id") or env.body.get("msg_id")
        if not sent:
            raise DouyinUnknownOutcome(f"{path}: accepted without a msg_id", log_id=env.log_id)
        return SentMessage(msg_id=str(sent))

    async def upload_im_image(self, token: str, open_id: str, image: Path) -> str:
        """Upload an image for a private message (`/tool/imagex/client_upload/`, multipart `image`, at most
        10 MB); its id is the `media_id` of msg_type 2. Safe to repeat: an unused upload is only storage."""
        content = await asyncio.to_thread(image.open, "rb")
        try:
            env = await self._call(
                "POST",
                "/tool/imagex/client_upload/",
                files={"image": (image.name, content, "application/octet-stream")},
                idempotent=True,
                http_timeout=self._upload_timeout,
                **self._user(token, open_id),
            )
        finally:
            await asyncio.to_thread(content.close)
        found = env.data.get("image") or {}
        media_id = found.get("media_id") or found.get("image_id") or env.data.get("media_id")
        if not media_id:
            raise DouyinRejected(
                "/tool/imagex/client_upload/: accepted without a media_id", log_id=env.log_id
            )
        return str(media_id)

    async def message_resource(
        self, token: str, open_id: str, *, conversation_id: str, message_id: str
    ) -> tuple[bytes, str]:
        """The bytes and media type of an image a customer sent (the webhook carries no URL) [inf: the body is
        the image itself; an error comes as the usual envelope]."""
        path = "/api/im/message/resources/"
        params = {"open_id": open_id, "conversation_id": conversation_id, "message_id": message_id}
        try:
            response = await self._http.get(
                self._base_url + path,
                params=params,
                headers={"access-token": token},
                timeout=self._api_timeout,
            )
        except httpx.TransportError as exc:
            raise DouyinTransientError(f"{path}: {type(exc).__name__}") from exc
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code == 200 and kind.startswith("image/"):
            return response.content, kind
        self._unwrap(path, response, idempotent=True, operation="api")
        raise DouyinRejected(f"{path}: no image in the answer ({kind or 'no content type'})")

    # -- comments ------------------------------------------------------------------------------

    async def reply_comment(
        self, token: str, open_id: str, *, item_id: str, comment_id: str | None, content: str
    ) -> str:
        """Reply under a comment on the account's item; Douyin's id of the reply. Irreversible: a lost reply
        raises DouyinUnknownOutcome (the comment's replies can tell whether it went out)."""
        path = "/item/comment/reply/"
        body = _drop_none({"item_id": item_id, "comment_id": comment_id, "content": content})
        env = await self._call("POST", path, json=body, idempotent=False, **self._user(token, open_id))
        made = env.data.get("comment_id")
        if not made:
            raise DouyinUnknownOutcome(f"{path}: accepted without a comment_id", log_id=env.log_id)
        return str(made)

    async def comment_replies(
        self, token: str, open_id: str, *, item_id: str, comment_id: str, cursor: int = 0, count: int = 20
    ) -> CommentPage:
        """One page of the replies under a comment (count at most 20)."""
        user = self._user(token, open_id)
        params = {"item_id": item_id, "comment_id": comment_id, "cursor": cursor, "count": count}
        env = await self._call(
            "GET",
            "/item/comment/reply/list/",
            headers=user["headers"],
            params=user["params"] | params,
            idempotent=True,
        )
        return CommentPage.model_validate(env.data)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "")), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


__all__ = [
    "ClientToken",
    "CommentPage",
    "DouyinClient",
    "DouyinError",
    "ItemCommentRow",
    "OAuthToken",
    "PublishedItem",
    "RenewedRefreshToken",
    "SentMessage",
    "UploadedImage",
    "UploadedVideo",
    "UserInfo",
    "VideoItem",
    "VideoPage",
    "VideoStatistics",
]
