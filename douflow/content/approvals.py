"""Approval before publish: the rule every way of publishing applies, and the states a content goes through.

A content is approved for one version: `approved` counts only while that version is still the current one,
and an edit that adds a version sends it back to `draft`. Where the tenant's policy asks for approval, only
an approved content is published; a calendar entry may be planned before (with a warning) and its run is
skipped with the reason if the content is still not approved when it fires.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.metrics_tables import Notification
from douflow.db.tables import Content, Tenant
from douflow.security.tokens import Role
from models.approval import ApprovalState, RecordedDecision, Verdict

APPROVER_ROLES: tuple[Role, ...] = ("admin", "reviewer")
# A notification's audience of the approvers (admins and reviewers); None is everyone of the tenant.
REVIEWERS = "reviewers"
_NOTICE_NAMESPACE = uuid.UUID("5d3c8f0e-4f4b-4a52-9d0e-6a7f1c2b9e41")


def is_approved(content: Content) -> bool:
    """Approved, and for the version that would be published now."""
    return content.approval_state == "approved" and content.approval_version == content.current_version


def in_review(content: Content, version: int) -> bool:
    """This version waits for a reviewer (not edited, decided or sent back since it was submitted)."""
    return (
        content.approval_state == "in_review"
        and content.approval_version == version
        and content.current_version == version
    )


def approval_problem(tenant: Tenant | None, content: Content) -> str | None:
    """Why the tenant's policy keeps this content from being published now (None when nothing does)."""
    if tenant is None or not tenant.approval_required or is_approved(content):
        return None
    state = _state_text(content)
    return (
        f"version {content.current_version} of content {content.id} is not approved ({state}); "
        "the tenant requires a reviewer's approval before publishing"
    )


async def content_approval_problem(session: AsyncSession, content: Content) -> str | None:
    return approval_problem(await session.get(Tenant, content.tenant_id), content)


def submit(content: Content, now: datetime) -> None:
    content.approval_state = "in_review"
    content.approval_version = content.current_version
    content.approval_comment = None
    content.approval_by = None
    content.approval_at = now


def reset_after_edit(content: Content) -> ApprovalState | None:
    """A new version voids a review or an approval of the old one; returns the state it had, if voided."""
    previous = content.approval_state
    if previous not in ("in_review", "approved"):
        return None
    content.approval_state = "draft"
    return previous


def decide(
    content: Content, version: int, verdict: Verdict, comment: str, reviewer_id: str, now: datetime
) -> RecordedDecision:
    """Applies a reviewer's decision on `version`, unless that version no longer waits for one."""
    if not in_review(content, version):
        reason = (
            f"version {version} is no longer in review (the content is at version "
            f"{content.current_version}, {_state_text(content)}); submit it again"
        )
        return RecordedDecision(applied=False, state=content.approval_state, reason=reason)
    content.approval_state = "approved" if verdict == "approve" else "changes_requested"
    content.approval_comment = comment or None
    content.approval_by = reviewer_id
    content.approval_at = now
    return RecordedDecision(applied=True, state=content.approval_state)


def review_notification(content: Content, version: int, reminder: int) -> Notification:
    """What the approvers see; its id is derived, so a retried write finds the one already made."""
    key = f"{content.id}:{version}:{reminder}"
    title = (
        f"待审核：{content.title}" if reminder == 0 else f"提醒（第 {reminder} 次）：{content.title} 仍待审核"
    )
    return Notification(
        id=str(uuid.uuid5(_NOTICE_NAMESPACE, key)),
        tenant_id=content.tenant_id,
        kind="approval_requested" if reminder == 0 else "approval_reminder",
        title=title[:200],
        body=f"内容第 {version} 版已提交审核，请批准或提出修改意见。",
        link=f"/api/v1/contents/{content.id}/approval",
        object_id=content.id,
        audience=REVIEWERS,
    )


def _state_text(content: Content) -> str:
    if content.approval_state == "approved" and content.approval_version != content.current_version:
        return f"version {content.approval_version} was approved, then edited"
    return content.approval_state.replace("_", " ")
