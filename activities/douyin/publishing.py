"""The connector's publishing activities: upload, create, reconcile and read the review state (seed 5).

Uploads are safe to repeat; `create_douyin_item` is not, so its unknown outcomes are non-retryable and the
workflow reconciles them with `find_douyin_item` before anything is retried.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.douyin.calls import ConnectorCalls
from activities.douyin.client import VideoItem
from activities.douyin.errors import DouyinRejected
from activities.douyin.token_store import Credentials
from douflow.media import InvalidMediaKey
from douflow.temporal.errors import DOUYIN_ERROR, MEDIA_MISSING
from models.publish import (
    CreatedItem,
    CreateItem,
    FindItem,
    FoundItem,
    ItemMatch,
    ReviewQuery,
    ReviewState,
    UploadedMedia,
    UploadImage,
    UploadVideo,
)

# The platform's media_type codes (douyin-openapi.md 4.5).
MEDIA_TYPE_CODES = {"image_text": 2, "video": 4}
RECONCILE_MAX_PAGES = 10
RECONCILE_PAGE_SIZE = 20


class PublishingCalls(ConnectorCalls):
    """Uploading media and creating an item, and following its review."""

    @activity.defn
    async def upload_publish_video(self, request: UploadVideo) -> UploadedMedia:
        """Simple upload below the threshold, part upload above; a fresh video_id on every attempt."""
        path = self._path(request.storage_key)
        video = await self._call(
            request.account, lambda c: self._client.upload_video(c.access_token, c.open_id, path)
        )
        return UploadedMedia(media_id=video.video_id)

    @activity.defn
    async def upload_publish_image(self, request: UploadImage) -> UploadedMedia:
        path = self._path(request.storage_key)
        image = await self._call(
            request.account, lambda c: self._client.upload_image(c.access_token, c.open_id, path)
        )
        return UploadedMedia(media_id=image.image_id)

    @activity.defn
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

    @activity.defn
    async def find_douyin_item(self, request: FindItem) -> FoundItem:
        """Reconciliation: the account's unclaimed items with this text and kind, created in the window."""

        async def scan(c: Credentials) -> list[VideoItem]:
            return await self._matching_items(c, request)

        matches = await self._call(request.account, scan)
        found = [ItemMatch(item_id=m.item_id, create_time=m.create_time) for m in matches]
        if len(matches) == 1:
            return FoundItem(item_id=matches[0].item_id, candidates=1, matches=found)
        return FoundItem(ambiguous=len(matches) > 1, candidates=len(matches), matches=found)

    @activity.defn
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


def _normalise(text: str) -> str:
    """The platform may trim or re-space the text; compare what a reader would see."""
    return " ".join(text.split())
