"""Seed feature 5: publish one content to one Douyin account, and write every state back.

Call flow: validate the content (content-center) → upload its media → create the item (irreversible:
one attempt, then this workflow classifies the failure) → poll the review → published / rejected.
A create whose outcome is unknown is reconciled against the account's item list before anything is
retried, so a retry never makes a second post; when that cannot decide, the publish is `unconfirmed`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from douflow.temporal.errors import (
        ACCOUNT_UNAVAILABLE,
        DOUYIN_ERROR,
        DOUYIN_QUOTA,
        DOUYIN_RATE_LIMITED,
        DOUYIN_REAUTH,
        DOUYIN_REJECTED,
        DOUYIN_TRANSIENT,
        MEDIA_MISSING,
        PUBLISH_DUPLICATE,
        PUBLISH_FAILED,
        PUBLISH_REJECTED,
    )
    from douflow.temporal.search import Feature, tag_updates
    from models.douyin_accounts import AccountRef
    from models.publish import (
        UNKNOWN_CREATE,
        CreateItem,
        DraftQuery,
        FindItem,
        FoundItem,
        MediaType,
        PublishDraft,
        PublishEvent,
        PublishInput,
        PublishKey,
        PublishResult,
        PublishStatus,
        ReviewQuery,
        UploadImage,
        UploadVideo,
    )
    from workflows import calls
    from workflows.publish_brackets import SKEW_SECONDS, made_during
CREATE_ATTEMPTS = 8
# Runs before RECONCILE_WINDOW looked twice, this far apart, after an unknown create.
RECONCILE_CHECKS = 2
RECONCILE_SETTLE = timedelta(seconds=2)
RECONCILE_SKEW_SECONDS = SKEW_SECONDS
# After an unknown create the item list is watched for the whole window (PublishInput), at pauses
# doubling from the first to the longest; only an item created inside an attempt's own time bracket
# (its start to the create's timeout, with the skew either side) is taken as ours.
RECONCILE_WINDOW = "reconcile-window-follows-platform"
RECONCILE_FIRST_PAUSE = timedelta(seconds=2)
RECONCILE_LONGEST_PAUSE = timedelta(seconds=30)
# A (re)started publish first looks for the item of an earlier run whose create outcome stayed unknown.
RECONCILE_EARLIER_RUNS = "reconcile-earlier-runs-before-create"
# Refusals: the platform answered, so nothing was created and trying again is safe.
REFUSED_TRANSIENT = frozenset({DOUYIN_TRANSIENT, DOUYIN_RATE_LIMITED})
REFUSED_FINAL = frozenset({DOUYIN_REAUTH, DOUYIN_QUOTA, ACCOUNT_UNAVAILABLE, MEDIA_MISSING, DOUYIN_ERROR})
REVIEW_STOPPERS = frozenset({DOUYIN_REAUTH, ACCOUNT_UNAVAILABLE, DOUYIN_REJECTED})
# After a create attempt, a write-back that failed through its retries is tried again after these pauses
# (about an hour in all), then given up: the run's result carries what the row could not.
DURABLE_WRITE_BACK = "durable-write-back-after-create"
# An unknown create's history entry keeps the text it sent, so a later sweep looks for that text even when
# the draft would read differently by then (the tenant turned its AI declaration line off or on).
UNKNOWN_CREATE_KEEPS_TEXT = "unknown-create-keeps-sent-text"
WRITE_BACK_PAUSES = tuple(timedelta(seconds=2 * 2**n) for n in range(7)) + (timedelta(minutes=10),) * 5


@dataclass
class _Stop(Exception):
    """Ends the publish in a final state (raised inside the workflow, caught by `run`)."""

    status: PublishStatus
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)


@workflow.defn
class PublishWorkflow:
    def __init__(self) -> None:
        self._status: PublishStatus = "publishing"
        self._seq = 0
        self._input: PublishInput | None = None
        self._media_type: MediaType | None = None
        self._create_attempted = False
        self._write_back_failed: str | None = None
        # When each create whose outcome stayed unknown was sent.
        self._unknown_attempts: list[datetime] = []

    @workflow.run
    async def run(self, input: PublishInput) -> PublishResult:
        self._input = input
        self._mark(input)
        await self._start()
        try:
            draft = await self._draft()
            if workflow.patched(RECONCILE_EARLIER_RUNS):
                await self._reconcile_earlier_runs(draft)
            item_id = await self._create(draft)
            await self._record("under_review", "created", item_id=item_id)
            return await self._await_review(item_id)
        except _Stop as stop:
            return await self._finish(stop)

    @workflow.query
    def status(self) -> str:
        return self._status

    # -- steps -----------------------------------------------------------------------------------

    async def _start(self) -> None:
        """The publish row, refused when another live publish holds this content version and account."""
        try:
            await self._record("publishing", "started")
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == PUBLISH_DUPLICATE:
                raise ApplicationError(
                    cause.message, *cause.details, type=PUBLISH_DUPLICATE, non_retryable=True
                ) from err
            raise

    async def _draft(self) -> PublishDraft:
        query = DraftQuery(
            tenant_id=self._actor_tenant, content_id=self._in.content_id, version=self._in.content_version
        )
        try:
            draft = await calls.content(ContentCenter.load_publish_draft, query, policies.PUBLISH_STORE)
        except ActivityError as err:
            raise _Stop("failed", _classify(err)[1]) from err
        self._media_type = draft.media_type
        if draft.problems:
            raise _Stop("failed", "not publishable on Douyin: " + "; ".join(draft.problems))
        await self._record("publishing", "validated")
        return draft

    async def _create(self, draft: PublishDraft) -> str:
        """Upload and create until one item exists; never a second one."""
        first_attempt: datetime | None = None
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            request = await self._upload(draft)
            attempt_at = workflow.now()
            first_attempt = first_attempt or attempt_at
            self._create_attempted = True
            try:
                created = await calls.douyin(
                    DouyinConnector.create_douyin_item, request, policies.DOUYIN_CREATE
                )
                return created.item_id
            except ActivityError as err:
                error_type, message = _classify(err)
                delay = _refusal_delay(err, attempt)
            if error_type in REFUSED_TRANSIENT:
                await self._note("create_refused", reason=message, attempt=attempt)
                await asyncio.sleep(delay.total_seconds())
                continue
            if error_type == DOUYIN_REJECTED:
                raise _Stop("rejected", f"Douyin refused the post: {message}")
            if error_type in REFUSED_FINAL:
                raise _Stop("failed", message)
            sent = {"text": draft.text} if workflow.patched(UNKNOWN_CREATE_KEEPS_TEXT) else {}
            await self._note(
                UNKNOWN_CREATE, reason=message, attempt=attempt, attempt_at=attempt_at.isoformat(), **sent
            )
            self._unknown_attempts.append(attempt_at)
            if workflow.patched(RECONCILE_WINDOW):
                found = await self._reconcile_window(draft, first_attempt)
            else:
                found = await self._reconcile(draft, first_attempt)
            if found is not None:
                return found
            await self._note("reconciled_not_created", attempt=attempt)
        raise _Stop("failed", f"Douyin refused the post {CREATE_ATTEMPTS} times; nothing was published")

    async def _upload(self, draft: PublishDraft) -> CreateItem:
        """Fresh media ids for one create attempt (a video_id is single-use)."""
        account = self._account
        try:
            if draft.media_type == "video":
                assert draft.video_key is not None
                video = await calls.douyin(
                    DouyinConnector.upload_publish_video,
                    UploadVideo(account=account, storage_key=draft.video_key),
                    policies.DOUYIN_UPLOAD,
                )
                return CreateItem(
                    account=account, media_type="video", text=draft.text, video_id=video.media_id
                )
            uploads = [UploadImage(account=account, storage_key=key) for key in draft.image_keys]
            images = await asyncio.gather(
                *(
                    calls.douyin(DouyinConnector.upload_publish_image, u, policies.DOUYIN_UPLOAD)
                    for u in uploads
                )
            )
        except ActivityError as err:
            raise _Stop("failed", f"upload failed: {_classify(err)[1]}") from err
        return CreateItem(
            account=account, media_type="image_text", text=draft.text, image_ids=[i.media_id for i in images]
        )

    async def _reconcile_earlier_runs(self, draft: PublishDraft) -> None:
        """Nothing new is created while an item an earlier run may have made sits unrecorded on Douyin.

        Such an item cannot be told from a post someone made by hand with the same text, so a match
        leaves the publish `unconfirmed` for an operator to settle; no match lets the create go ahead.
        """
        key = PublishKey(
            tenant_id=self._actor_tenant,
            content_id=self._in.content_id,
            account_id=self._in.account_id,
            occurrence=self._in.occurrence,
            publish_id=self._publish_id,
        )
        try:
            earlier = await calls.content(ContentCenter.earlier_publish_attempts, key, policies.PUBLISH_STORE)
        except ActivityError as err:
            raise _Stop("failed", f"earlier attempts could not be checked: {_classify(err)[1]}") from err
        if earlier.since is None:
            return
        await self._note("checking_earlier_runs", publish_ids=earlier.publish_ids)
        since = int(earlier.since.timestamp()) - RECONCILE_SKEW_SECONDS
        texts = [draft.text]
        if workflow.patched(UNKNOWN_CREATE_KEEPS_TEXT):
            texts += [text for text in earlier.texts if text != draft.text]
        candidates: list[str] = []
        for text in texts:
            found = await self._find(draft.model_copy(update={"text": text}), since)
            candidates += [m.item_id for m in found.matches if m.item_id not in candidates]
        if candidates:
            raise _Stop(
                "unconfirmed",
                f"Douyin shows {len(candidates)} item(s) with this text made since an earlier attempt of this "
                f"publish whose outcome stayed unknown ({', '.join(candidates)}); check the account, then "
                "settle this publish",
                {"candidates": candidates},
            )
        await self._note("earlier_runs_made_nothing")

    async def _reconcile_window(self, draft: PublishDraft, first_attempt: datetime) -> str | None:
        """The item an unknown create made; None when none showed up in the window; else `unconfirmed`.

        The list is read until the window closes, because a create still in flight on a cut-off worker may
        land late and Douyin may list a new item late. Only an item created inside an unknown attempt's own
        bracket is ours: a same-text post outside every bracket was made by someone else.
        """
        window_end = self._unknown_attempts[-1] + timedelta(seconds=self._in.reconcile_window_seconds)
        created_after = int(first_attempt.timestamp()) - RECONCILE_SKEW_SECONDS
        pause = RECONCILE_FIRST_PAUSE
        while True:
            found = await self._find(draft, created_after)
            ours = [m for m in found.matches if made_during(m.create_time, self._unknown_attempts)]
            if len(ours) == 1:
                await self._note("reconciled_found", item_id=ours[0].item_id)
                return ours[0].item_id
            if ours:
                raise _Stop(
                    "unconfirmed",
                    f"{len(ours)} items with this text were made during the attempt "
                    f"({', '.join(m.item_id for m in ours)}); check the account, then settle this publish",
                    {"candidates": [m.item_id for m in ours]},
                )
            now = workflow.now()
            if now >= window_end:
                break
            await workflow.sleep(min(pause, window_end - now))
            pause = min(pause * 2, RECONCILE_LONGEST_PAUSE)
        if found.matches:
            await self._note("same_text_not_ours", item_ids=[m.item_id for m in found.matches])
        return None

    async def _find(self, draft: PublishDraft, created_after: int) -> FoundItem:
        """Unclaimed items of this text and kind since `created_after`; `unconfirmed` when the list cannot say."""
        try:
            claimed = await calls.content(
                ContentCenter.claimed_publish_items, self._account, policies.PUBLISH_STORE
            )
            query = FindItem(
                account=self._account,
                media_type=draft.media_type,
                text=draft.text,
                created_after=created_after,
                exclude_item_ids=claimed.item_ids,
            )
            return await calls.douyin(DouyinConnector.find_douyin_item, query, policies.DOUYIN_READ)
        except ActivityError as err:
            raise _Stop(
                "unconfirmed",
                f"the post may or may not exist on Douyin and its item list cannot confirm it "
                f"({_classify(err)[1]}); check the account, then settle this publish",
            ) from err

    async def _reconcile(self, draft: PublishDraft, first_attempt: datetime) -> str | None:
        """Runs before RECONCILE_WINDOW: two looks, then the item, None or `unconfirmed`."""
        try:
            claimed = await calls.content(
                ContentCenter.claimed_publish_items, self._account, policies.PUBLISH_STORE
            )
            query = FindItem(
                account=self._account,
                media_type=draft.media_type,
                text=draft.text,
                created_after=int(first_attempt.timestamp()) - RECONCILE_SKEW_SECONDS,
                exclude_item_ids=claimed.item_ids,
            )
            for check in range(RECONCILE_CHECKS):
                if check:
                    await asyncio.sleep(RECONCILE_SETTLE.total_seconds())
                found = await calls.douyin(DouyinConnector.find_douyin_item, query, policies.DOUYIN_READ)
                if found.item_id:
                    await self._note("reconciled_found", item_id=found.item_id)
                    return found.item_id
                if found.ambiguous:
                    raise _Stop(
                        "unconfirmed",
                        f"{found.candidates} matching items on Douyin; check the account before reposting",
                    )
        except ActivityError as err:
            raise _Stop(
                "unconfirmed",
                f"the post may or may not exist on Douyin and checking failed ({_classify(err)[1]}); "
                "check the account before reposting",
            ) from err
        return None

    async def _await_review(self, item_id: str) -> PublishResult:
        """Polls the review until it settles or the bound is reached."""
        query = ReviewQuery(account=self._account, item_id=item_id)
        waited = 0.0
        for poll in range(self._in.review_max_polls):
            # Quick first looks (most reviews settle in seconds or minutes), then the steady interval.
            delay = min(self._in.review_poll_seconds, 2.0**poll)
            await asyncio.sleep(delay)
            waited += delay
            try:
                state = await calls.douyin(DouyinConnector.douyin_review_state, query, policies.DOUYIN_READ)
            except ActivityError as err:
                error_type, message = _classify(err)
                if error_type in REVIEW_STOPPERS:
                    raise _Stop(
                        "under_review", f"cannot follow the review: {message}", {"item_id": item_id}
                    ) from err
                continue
            if state.published:
                raise _Stop("published", "", {"item_id": item_id, "share_url": state.share_url})
            if state.rejected:
                reason = (
                    f"Douyin review did not pass (video_status {state.video_status}: not suitable for public)"
                )
                raise _Stop("rejected", reason, {"item_id": item_id})
        raise _Stop(
            "under_review", f"still under review after {waited:.0f}s; check later", {"item_id": item_id}
        )

    async def _finish(self, stop: _Stop) -> PublishResult:
        await self._record(stop.status, "finished", reason=stop.reason or None, **stop.fields)
        reason = stop.reason or None
        if self._write_back_failed:
            reason = "; ".join(r for r in (reason, self._write_back_failed) if r)
        result = PublishResult(
            publish_id=self._publish_id,
            status=stop.status,
            reason=reason,
            item_id=stop.fields.get("item_id"),
            share_url=stop.fields.get("share_url"),
        )
        if stop.status in ("failed", "rejected") and not self._write_back_failed:
            # A failed run lets the same workflow id start again once the operator fixed the cause.
            error_type = PUBLISH_REJECTED if stop.status == "rejected" else PUBLISH_FAILED
            raise ApplicationError(stop.reason, result.model_dump(), type=error_type, non_retryable=True)
        return result

    # -- plumbing --------------------------------------------------------------------------------

    async def _record(self, status: PublishStatus, event: str, **fields: Any) -> None:
        self._status = status
        self._seq += 1
        known = {k: fields.pop(k) for k in ("reason", "item_id", "share_url") if k in fields}
        await self._write_back(
            PublishEvent(
                tenant_id=self._actor_tenant,
                publish_id=self._publish_id,
                workflow_id=workflow.info().workflow_id,
                content_id=self._in.content_id,
                account_id=self._in.account_id,
                created_by=self._in.actor.user_id,
                seq=self._seq,
                content_version=self._in.content_version,
                occurrence=self._in.occurrence,
                status=status,
                event=event,
                at=workflow.now(),
                media_type=self._media_type,
                detail=fields,
                **known,
            )
        )

    async def _write_back(self, event: PublishEvent) -> None:
        """Before a create attempt a failed write-back fails the run (nothing was posted); after it, never."""
        durable = self._create_attempted and workflow.patched(DURABLE_WRITE_BACK)
        for pause in (*WRITE_BACK_PAUSES, None) if durable else (None,):
            try:
                await calls.content(ContentCenter.record_publish_event, event, policies.PUBLISH_STORE)
                return
            except ActivityError as err:
                if pause is None and not durable:
                    raise
                message = _classify(err)[1]
                if pause is None:
                    self._write_back_failed = f"the publish record could not be written ({message})"
                    workflow.logger.error("publish %s: giving up a write-back: %s", self._publish_id, message)
                    return
                workflow.logger.warning(
                    "publish %s: write-back failed, again in %s: %s", self._publish_id, pause, message
                )
                await workflow.sleep(pause)

    async def _note(self, event: str, **fields: Any) -> None:
        """A history entry that keeps the current status (what happened on the way)."""
        await self._record(self._status, event, **fields)

    def _mark(self, input: PublishInput) -> None:
        """Findable by tenant, content and account in the Temporal UI, however the run was started."""
        workflow.upsert_search_attributes(
            tag_updates(
                input.actor.tenant_id,
                Feature.PUBLISH,
                content_id=input.content_id,
                account_id=input.account_id,
            )
        )

    @property
    def _in(self) -> PublishInput:
        assert self._input is not None
        return self._input

    @property
    def _actor_tenant(self) -> str:
        return self._in.actor.tenant_id

    @property
    def _publish_id(self) -> str:
        return workflow.info().run_id

    @property
    def _account(self) -> AccountRef:
        return AccountRef(tenant_id=self._actor_tenant, account_id=self._in.account_id)


def _classify(err: ActivityError) -> tuple[str, str]:
    """The failure's application error type (or "Timeout"/"Unknown") and its message."""
    cause = err.cause
    if isinstance(cause, ApplicationError):
        return cause.type or "Unknown", cause.message
    if isinstance(cause, TemporalTimeoutError):
        return "Timeout", f"no answer in time ({cause.type.name if cause.type else 'timeout'})"
    return "Unknown", str(cause or err)


def _refusal_delay(err: ActivityError, attempt: int) -> timedelta:
    """The platform's implied delay for a rate limit, else a growing pause."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.next_retry_delay:
        return cause.next_retry_delay
    return timedelta(seconds=min(2 ** (attempt - 1), 20))
