"""Workflow and schedule ids are business keys: one function per key, so a start is idempotent by design.

They are not encrypted: they carry ids, never names or message text.
"""

from __future__ import annotations

from datetime import UTC, datetime


def generation_workflow_id(feature: str, tenant_id: str, request_key: str) -> str:
    """One generation per client request id (Idempotency-Key), so a retried request never generates twice."""
    return f"{feature}-{tenant_id}-{request_key}"


def content_edit_workflow_id(content_id: str, named_base: int | None, request_key: str) -> str:
    """The version the caller named, or `latest`: a retried edit that named none finds its first run even
    though that run moved the content on."""
    base = f"v{named_base}" if named_base is not None else "latest"
    return f"content-edit-{content_id}-{base}-{request_key}"


def content_approval_workflow_id(content_id: str, version: int) -> str:
    """One review per content version: an edit makes a new version, which is submitted and reviewed anew."""
    return f"content-approval-{content_id}-v{version}"


def occurrence_key(occurrence: datetime | None) -> str:
    """A recurring calendar entry's occurrence as it appears in publish keys ("" outside one)."""
    return "" if occurrence is None else occurrence.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def publish_workflow_id(
    content_id: str, account_id: str, occurrence: str = "", version: int | None = None
) -> str:
    """One content version goes to one account once; each occurrence of a recurring entry has its own key.

    Without a version this is the key of publishes from before version pinning (and of their replays).
    """
    key = (
        f"publish-{content_id}-v{version}-{account_id}"
        if version is not None
        else f"publish-{content_id}-{account_id}"
    )
    return f"{key}-{occurrence}" if occurrence else key


def publish_sweep_schedule_id(queue_prefix: str) -> str:
    """One schedule per deployment settles every tenant's stale publishes; runs get the time appended."""
    return f"{queue_prefix}publish-sweep"


def publish_settle_workflow_id(publish_id: str, request_key: str) -> str:
    """An operator's "settle it now" for one publish."""
    return f"publish-settle-{publish_id}-{request_key}"


def calendar_schedule_id(entry_id: str) -> str:
    """The Temporal Schedule of a calendar entry; its scheduled runs get `-<time>` appended by the server."""
    return f"calendar-{entry_id}"


def calendar_check_schedule_id(entry_id: str, millis: int) -> str:
    """A paused scratch schedule the server evaluates an unsaved recurrence with; deleted at once."""
    return f"calendar-check-{entry_id}-{millis}"


def calendar_run_now_id(entry_id: str, request_key: str) -> str:
    """A "run now", beside the schedule's own runs (whose `<id>-<second>` could collide with a trigger)."""
    return f"{calendar_schedule_id(entry_id)}-now-{request_key}"


def binding_workflow_id(state: str) -> str:
    """The OAuth `state` is single-use, so one binding per authorisation."""
    return f"bind-{state}"


def unbind_workflow_id(account_id: str, request_key: str) -> str:
    return f"unbind-{account_id}-{request_key}"


def token_workflow_id(account_id: str) -> str:
    """The one long-running workflow that keeps an account's tokens alive."""
    return f"account-tokens-{account_id}"


def douyin_event_workflow_id(tenant_id: str, msg_id: str) -> str:
    """A webhook event handled once per tenant that holds the account it concerns."""
    return f"douyin-event-{tenant_id}-{msg_id}"


def metrics_schedule_id(account_id: str) -> str:
    return f"metrics-{account_id}"


def metrics_sync_workflow_id(account_id: str) -> str:
    """A manual sync; scheduled runs get it with the scheduled time appended."""
    return f"metrics-sync-{account_id}"


def replication_workflow_id(tenant_id: str, item_id: str) -> str:
    """The dedup key of a hit: one replication per item, ever."""
    return f"replicate-{tenant_id}-{item_id}"


def media_cleanup_schedule_id(queue_prefix: str) -> str:
    """One cleanup schedule per deployment (its task-queue prefix) in a namespace; runs get the time appended."""
    return f"{queue_prefix}media-cleanup"


def conversation_workflow_id(account_id: str, customer_open_id: str) -> str:
    """One conversation per (bound account, customer); both are ids, never a name or a message."""
    return f"conversation-{account_id}-{customer_open_id}"


def comment_triage_workflow_id(account_id: str, comment_id: str) -> str:
    """One triage per comment on a bound account's item: a redelivered webhook finds it and starts nothing."""
    return f"comment-{account_id}-{comment_id}"


def suggestion_workflow_id(conversation_id: str, request_key: str) -> str:
    """One suggestion set per client request id, so a retried request never drafts twice."""
    return f"suggestions-{conversation_id}-{request_key}"


def follow_up_task_workflow_id(task_id: str) -> str:
    """One reminder/escalation run per follow-up task."""
    return f"task-{task_id}"


def notification_digest_workflow_id(webhook_id: str) -> str:
    """One digest at a time per group-robot webhook: notifications arriving while it collects join it."""
    return f"notify-digest-{webhook_id}"


def journey_workflow_id(journey_id: str, customer_id: str) -> str:
    """One running enrolment per (journey, customer); a later enrolment (re-entry) reuses the key."""
    return f"journey-{journey_id}-{customer_id}"
