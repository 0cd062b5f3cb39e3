"""delivery-connector-douyin activities of publishing: upload, create, reconcile and read review state.

Every Douyin failure leaves as an ApplicationError typed by how the workflow must react (models.publish
names the types). Uploads are safe to repeat; `create_douyin_item` is not, so its unknown outcomes are
non-retryable and the workflow reconciles them with `find_douyin_item` before anything is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Protocol, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.client import DouyinClient, VideoItem
from activities.douyin.errors import (
    DouyinError,
    DouyinQuotaExhausted,
    DouyinRateLimited,
    DouyinReauthRequired,
    DouyinRejected,
    DouyinTokenExpired,
    DouyinTransientError,
    DouyinUnknownOutcome,
)
from activities.douyin.token_store import AccountUnavailable, Credentials
from douflow.media import InvalidMediaKey, LocalMediaStore
from models.publish import (
    ACCOUNT_UNAVAILABLE,
    DOUYIN_ERROR,
    DOUYIN_QUOTA,
    DOUYIN_RATE_LIMITED,
    DOUYIN_REAUTH,
    DOUYIN_REJECTED,
    DOUYIN_TRANSIENT,
    DOUYIN_UNKNOWN_OUTCOME,
    MEDIA_MISSING,
    AccountRef,
    CreatedItem,
    CreateItem,
    FindItem,
    FoundItem,
    ReviewQuery,
    ReviewState,
    UploadedMedia,
    UploadImage,
    UploadVideo,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

HEARTBEAT_EVERY_SECONDS = 1.0
# The platform's media_type codes (douyin-openapi.md 4.5).
MEDIA_TYPE_CODES = {"image_text": 2, "video": 4}
RECONCILE_MAX_PAGES = 10
RECONCILE_PAGE_SIZE = 20


class CredentialSource(Protocol):
    """What the activities need from activities.douyin.token_store.TokenStore."""

    async def credentials(self, tenant_id: str, account_id: str) -> Credentials: ...

    async def fresh_credentials(self, tenant_id: str, account_id: str) -> Credentials: ...

    async def refresh(self, tenant_id: str, account_id: str) -> Credentials: ...


class DouyinPublishActivities:
    def __init__(
        self, client: DouyinClient, tokens: CredentialSource, media: LocalMediaStore, limiter: AccountLimiter
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._media = media
        self._limiter = limiter

    @activity.defn(name="upload_publish_video")
    async def upload_publish_video(self, request: UploadVideo) -> UploadedMedia:
        """Simple upload below the threshold, part upload above; a fresh video_id on every attempt."""
        path = self._path(request.storage_key)
        video = await self._call(
            request.account, lambda c: self._client.upload_video(c.access_token, c.open_id, path)
        )
        return UploadedMedia(media_id=video.video_id)

    @activity.defn(name="upload_publish_image")
    async def upload_publish_image(self, request: UploadImage) -> UploadedMedia:
        path = self._path(request.storage_key)
        image = await self._call(
            request.account, lambda c: self._client.upload_image(c.access_token, c.open_id, path)
        )
        return UploadedMedia(media_id=image.image_id)

    @activity.defn(name="create_douyin_item")
    async def create_douyin_item(self, request: CreateItem) -> CreatedItem:
        """The irreversible step; run with maximum_attempts=1, the workflow decides what follows."""

        async def create(c: Credentials) -> str:
            if request.media_type == "video":
                if not request.video_id:
                    raise DouyinRejected("a video post needs a video_id")
                item = await self._client.create_video(
                    c.access_token, c.open_id, request.video_id, request.text
                )
            else:
                item = await self._client.create_image_text(
                    c.access_token, c.open_id, request.image_ids, request.text
                )
            return item.item_id

        return CreatedItem(item_id=await self._call(request.account, create))

    @activity.defn(name="find_douyin_item")
    async def find_douyin_item(self, request: FindItem) -> FoundItem:
        """Reconciliation: the account's unclaimed items with this text and kind, created in the window."""

        async def scan(c: Credentials) -> list[VideoItem]:
            return await self._matching_items(c, request)

        matches = await self._call(request.account, scan)
        if len(matches) == 1:
            return FoundItem(item_id=matches[0].item_id, candidates=1)
        return FoundItem(ambiguous=len(matches) > 1, candidates=len(matches))

    @activity.defn(name="douyin_review_state")
    async def douyin_review_state(self, query: ReviewQuery) -> ReviewState:
        items = await self._call(
            query.account, lambda c: self._client.video_data(c.access_token, c.open_id, [query.item_id])
        )
        item = next((i for i in items if i.item_id == query.item_id), None)
        if item is None:
            return ReviewState(found=False)
        return ReviewState(
            found=True,
            is_reviewed=item.is_reviewed,
            video_status=item.video_status,
            share_url=item.share_url or None,
        )

    # -- helpers ---------------------------------------------------------------------------------

    async def _matching_items(self, c: Credentials, request: FindItem) -> list[VideoItem]:
        wanted_text = _normalise(request.text)
        wanted_type = MEDIA_TYPE_CODES[request.media_type]
        excluded = set(request.exclude_item_ids)
        matches: list[VideoItem] = []
        cursor = 0
        for _ in range(RECONCILE_MAX_PAGES):
            page = await self._client.video_list(
                c.access_token, c.open_id, cursor=cursor, count=RECONCILE_PAGE_SIZE
            )
            for item in page.items:
                if (
                    item.create_time >= request.created_after
                    and item.item_id not in excluded
                    and item.media_type in (0, wanted_type)
                    and _normalise(item.title) == wanted_text
                ):
                    matches.append(item)
            oldest = min((item.create_time for item in page.items), default=0)
            if not page.has_more or oldest < request.created_after:
                return matches
            cursor = page.cursor
        raise ApplicationError(
            f"more than {RECONCILE_MAX_PAGES * RECONCILE_PAGE_SIZE} items in the window; cannot decide",
            type=DOUYIN_ERROR,
            non_retryable=True,
        )

    def _path(self, storage_key: str) -> str:
        try:
            path = self._media.path(storage_key)
        except InvalidMediaKey as exc:
            raise ApplicationError(str(exc), type=MEDIA_MISSING, non_retryable=True) from exc
        if not path.is_file():
            raise ApplicationError(f"media {storage_key} is missing", type=MEDIA_MISSING, non_retryable=True)
        return str(path)

    async def _call(self, account: AccountRef, call: Callable[[Credentials], Awaitable[T]]) -> T:
        """One Douyin call within the account's bounds; an expired token is refreshed once and retried."""
        async with _heartbeating():
            try:
                # Under the refresh lock, so parallel uploads near expiry refresh the token once, not each.
                async with self._limiter.refresh_lock(account.account_id):
                    credentials = await self._tokens.fresh_credentials(account.tenant_id, account.account_id)
                async with self._limiter.slot(account.account_id):
                    try:
                        return await call(credentials)
                    except DouyinTokenExpired:
                        # The platform refused the call, so repeating it (even create) is safe.
                        credentials = await self._refresh(account, credentials)
                        return await call(credentials)
            except DouyinRateLimited as exc:
                self._limiter.pause(account.account_id, exc.retry_after)
                raise _application_error(exc) from exc
            except (DouyinError, AccountUnavailable) as exc:
                raise _application_error(exc) from exc

    async def _refresh(self, account: AccountRef, stale: Credentials) -> Credentials:
        async with self._limiter.refresh_lock(account.account_id):
            current = await self._tokens.credentials(account.tenant_id, account.account_id)
            if current.access_token != stale.access_token:
                return current  # another call refreshed while this one waited
            log.info("access token of douyin account %s expired mid-publish; refreshing", account.account_id)
            return await self._tokens.refresh(account.tenant_id, account.account_id)


def _application_error(exc: Exception) -> ApplicationError:
    """The typed, Temporal-visible form of a Douyin or account failure."""
    if isinstance(exc, DouyinRateLimited):
        return ApplicationError(
            str(exc), type=DOUYIN_RATE_LIMITED, next_retry_delay=timedelta(seconds=max(exc.retry_after, 1.0))
        )
    if isinstance(exc, DouyinTransientError | DouyinTokenExpired):
        return ApplicationError(str(exc), type=DOUYIN_TRANSIENT)
    if isinstance(exc, AccountUnavailable):
        return ApplicationError(str(exc), exc.status, type=ACCOUNT_UNAVAILABLE, non_retryable=True)
    types: list[tuple[type[DouyinError], str]] = [
        (DouyinReauthRequired, DOUYIN_REAUTH),
        (DouyinQuotaExhausted, DOUYIN_QUOTA),
        (DouyinRejected, DOUYIN_REJECTED),
        (DouyinUnknownOutcome, DOUYIN_UNKNOWN_OUTCOME),
    ]
    error_type = next((name for cls, name in types if isinstance(exc, cls)), DOUYIN_ERROR)
    return ApplicationError(str(exc), type=error_type, non_retryable=True)


def _normalise(text: str) -> str:
    """The platform may trim or re-space the text; compare what a reader would see."""
    return " ".join(text.split())


@contextlib.asynccontextmanager
async def _heartbeating() -> AsyncIterator[None]:
    """Heartbeats while a call runs, so a killed worker is noticed in seconds, not at the call timeout."""

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(HEARTBEAT_EVERY_SECONDS)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
