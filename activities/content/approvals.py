"""content-center activities of approval before publish: telling reviewers, recording their decisions."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.content import approvals
from douflow.content.contents import ContentRepository
from douflow.db.base import utcnow
from douflow.db.tables import Content
from douflow.notify import recipients
from douflow.temporal.errors import CONTENT_NOT_FOUND
from models.approval import DecisionToRecord, RecordedDecision, ReviewNotice, ReviewPending


class ApprovalActivities(ContentStore):
    """Approval before publish: notices to the tenant's approvers and their decisions, audited."""

    @activity.defn
    async def notify_reviewers(self, notice: ReviewNotice) -> ReviewPending:
        """Tells the approvers a version waits for them, unless it no longer does (edited or decided)."""
        async with self._sessionmaker() as session:
            content = await ContentRepository(session, notice.tenant_id).get(notice.content_id)
            if content is None or not approvals.in_review(content, notice.version):
                return ReviewPending(pending=False)
            row = approvals.review_notification(content, notice.version, notice.reminder)
            # Kept even when the tenant has no approver yet (history); a retried attempt adds nothing.
            await recipients.address(session, row)
            await session.commit()
            return ReviewPending(pending=True)

    @activity.defn
    async def record_approval_decision(self, decision: DecisionToRecord) -> RecordedDecision:
        """Approves or sends back the version, with who and why in the audit trail; a stale one changes nothing."""
        async with self._sessionmaker() as session:
            repo = ContentRepository(session, decision.actor.tenant_id)
            content = await repo.get(decision.content_id)
            if content is None:
                raise ApplicationError("content not found", type=CONTENT_NOT_FOUND, non_retryable=True)
            if _already_recorded(content, decision):
                return RecordedDecision(applied=True, state=content.approval_state)
            recorded = approvals.decide(
                content,
                decision.version,
                decision.verdict,
                decision.comment,
                decision.actor.user_id,
                utcnow(),
            )
            if recorded.applied:
                repo.audit(
                    decision.actor.user_id,
                    f"approval.{recorded.state}",
                    "content",
                    content.id,
                    version=decision.version,
                    comment=decision.comment,
                )
                await session.commit()
            return recorded


def _already_recorded(content: Content, decision: DecisionToRecord) -> bool:
    """A retried attempt whose first one committed finds its own decision."""
    expected = "approved" if decision.verdict == "approve" else "changes_requested"
    return (
        content.approval_state == expected
        and content.approval_version == decision.version
        and content.approval_by == decision.actor.user_id
    )
