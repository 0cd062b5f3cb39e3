"""delivery-connector-douyin's activities as workflows call them: every Douyin call goes through here.

Workflows import this module only (never httpx or authlib) and call the methods by reference through
`workflows.calls.douyin`, so mypy checks that a call and its activity agree on input and output types.
Failures leave as ApplicationErrors typed by douflow.temporal.errors. `DouyinActivities` implements it.
"""

from __future__ import annotations

from temporalio import activity

from models.comments import CommentReplied, CommentReply
from models.douyin_accounts import AccountRef, BindingInput, DouyinProfile, ExchangedTokens, TokenStatus
from models.im import ImResource, ImSend, ImSent, StoredImResource
from models.materials import ImImageUpload
from models.metrics import FetchPage, MetricsPage
from models.publish import (
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


class DouyinConnector:
    """delivery-connector-douyin on the `douyin-connector` task queue. Tokens leave only as ciphertext."""

    # -- accounts (seed 7) --------------------------------------------------------------------------

    @activity.defn
    async def exchange_douyin_code(self, binding: BindingInput) -> ExchangedTokens:
        """Code → tokens. The code is single-use: only failures before sending are retried."""
        raise NotImplementedError

    @activity.defn
    async def fetch_douyin_profile(self, ref: AccountRef) -> DouyinProfile:
        """Nickname, avatar and account role."""
        raise NotImplementedError

    @activity.defn
    async def refresh_douyin_token(self, ref: AccountRef) -> TokenStatus:
        """A new access token; an account only the user can fix comes back with its status, not an error."""
        raise NotImplementedError

    @activity.defn
    async def renew_douyin_refresh_token(self, ref: AccountRef) -> TokenStatus:
        """A new refresh token (the old one dies); a lost reply is a DouyinUnknownOutcome."""
        raise NotImplementedError

    @activity.defn
    async def read_douyin_token_status(self, ref: AccountRef) -> TokenStatus:
        """Expiries and status of the account's tokens, never a token."""
        raise NotImplementedError

    # -- publishing (seed 5) ------------------------------------------------------------------------

    @activity.defn
    async def upload_publish_video(self, request: UploadVideo) -> UploadedMedia:
        """A fresh video_id on every attempt (a video_id is single-use)."""
        raise NotImplementedError

    @activity.defn
    async def upload_publish_image(self, request: UploadImage) -> UploadedMedia:
        raise NotImplementedError

    @activity.defn
    async def create_douyin_item(self, request: CreateItem) -> CreatedItem:
        """The irreversible step: called with one attempt; the workflow decides what follows a failure."""
        raise NotImplementedError

    @activity.defn
    async def find_douyin_item(self, request: FindItem) -> FoundItem:
        """Reconciliation of an unknown create: the account's unclaimed items with this text and kind."""
        raise NotImplementedError

    @activity.defn
    async def douyin_review_state(self, query: ReviewQuery) -> ReviewState:
        raise NotImplementedError

    # -- metrics (seed 8) ---------------------------------------------------------------------------

    @activity.defn
    async def fetch_metrics_page(self, request: FetchPage) -> MetricsPage:
        """One list page (newest first) with each item's statistics."""
        raise NotImplementedError

    # -- private messages (seed 10-14) --------------------------------------------------------------

    @activity.defn
    async def send_douyin_message(self, message: ImSend) -> ImSent:
        """The irreversible step: one attempt; the workflow decides what follows a failure."""
        raise NotImplementedError

    @activity.defn
    async def upload_im_image(self, request: ImImageUpload) -> UploadedMedia:
        """An image of the media store uploaded for a private message (§6.2); its media_id."""
        raise NotImplementedError

    @activity.defn
    async def fetch_douyin_message_image(self, resource: ImResource) -> StoredImResource:
        """An image a customer sent, fetched through the resources API into the media store."""
        raise NotImplementedError

    # -- comments (seed 10) -------------------------------------------------------------------------

    @activity.defn
    async def reply_douyin_comment(self, reply: CommentReply) -> CommentReplied:
        """A public reply under a comment: one attempt; a lost answer is looked for in the comment's replies."""
        raise NotImplementedError
