"""Workflow and schedule ids are business keys: one function per key, so a start is idempotent by design.

They are not encrypted: they carry ids, never names or message text.
"""

from __future__ import annotations

from datetime import UTC, datetime


def generation_workflow_id(feature: str, tenant_id: str, request_key: str) -> str:
    """One generation per client request id (Idempotency-Key), so a retried request never generates twice."""
    return f"{feature}-{tenant_id}-{request_key}"


def content_edit_workflow_id(content_id: str, base_version: int, request_key: str) -> str:
    return f"content-edit-{content_id}-v{base_version}-{request_key}"


def publish_workflow_id(content_id: str, account_id: str, occurrence: datetime | None = None) -> str:
    """One content goes to one account once; each occurrence of a recurring calendar entry has its own key."""
    key = f"publish-{content_id}-{account_id}"
    if occurrence is None:
        return key
    return f"{key}-{occurrence.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


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
