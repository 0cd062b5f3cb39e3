"""Approval before publish: submitting a content version for review, and a reviewer's decision on it.

Each submitted version has one `ContentApprovalWorkflow` run (`content-approval-{content}-v{version}`) that
tells the tenant's approvers and reminds them; a decision is an update of that run, so it shows in the
Temporal UI beside who submitted what and when.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.gateway_bff.deps import Approver, CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.approvals import ApprovalView, ReviewRequest
from douflow.content import approvals
from douflow.content.contents import ContentRepository
from douflow.db.base import utcnow
from douflow.db.tables import Content, Tenant
from douflow.settings import Settings
from douflow.temporal import ids, starts
from models.approval import ApprovalInput, RecordedDecision, ReviewDecision

router = APIRouter(prefix="/api/v1/contents", tags=["approval"], route_class=GuardedRoute)
DECIDE_UPDATE = "decide"


async def _content(session: AsyncSession, tenant_id: str, content_id: str) -> Content:
    content = await ContentRepository(session, tenant_id).get(content_id)
    if content is None:
        raise NotFound(f"content {content_id} not found")
    return content


async def _view(session: AsyncSession, content: Content) -> ApprovalView:
    tenant = await session.get(Tenant, content.tenant_id)
    version = content.approval_version
    return ApprovalView(
        content_id=content.id,
        state=content.approval_state,
        version=version,
        current_version=content.current_version,
        approved=approvals.is_approved(content),
        required=bool(tenant and tenant.approval_required),
        comment=content.approval_comment,
        decided_by=content.approval_by,
        updated_at=content.approval_at,
        workflow_id=ids.content_approval_workflow_id(content.id, version) if version else None,
    )


@router.get("/{content_id}/approval")
async def get_approval(content_id: str, user: CurrentUser, session: SessionDep) -> ApprovalView:
    """Where the content stands: draft, in review, approved (for which version) or sent back, and why."""
    return await _view(session, await _content(session, user.tenant_id, content_id))


@router.post("/{content_id}/submit", responses=answers(409))
async def submit(
    content_id: str, user: Operator, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> ApprovalView:
    """Submits the current version for review; the tenant's admins and reviewers are notified.

    Submitting a version already in review again is harmless; an approved version, or one sent back
    (edit it first), answers 409.
    """
    content = await _content(session, user.tenant_id, content_id)
    version = content.current_version
    if not approvals.in_review(content, version):
        _check_submittable(content)
        approvals.submit(content, utcnow())
        ContentRepository(session, user.tenant_id).audit(
            user.user_id, "approval.submitted", "content", content.id, version=version
        )
        await session.commit()
    await _start_review(temporal, settings, content, user.user_id)
    return await _view(session, content)


def _check_submittable(content: Content) -> None:
    version = content.current_version
    if approvals.is_approved(content):
        raise Conflict(f"version {version} of content {content.id} is already approved")
    if content.approval_state == "changes_requested" and content.approval_version == version:
        raise Conflict(
            f"changes were requested on version {version} ({content.approval_comment}); "
            "edit the content, then submit the new version"
        )


async def _start_review(temporal: Client, settings: Settings, content: Content, user_id: str) -> None:
    """Starts the version's review, or joins the run that has it (a retried request)."""
    arg = ApprovalInput(
        tenant_id=content.tenant_id,
        content_id=content.id,
        version=content.current_version,
        submitted_by=user_id,
        remind_after=timedelta(hours=settings.approval_reminder_hours),
    )
    try:
        await starts.start(temporal, settings, starts.content_approval(arg, title=content.title))
    except WorkflowAlreadyStartedError as exc:
        raise Conflict(f"the review of version {arg.version} has already ended; look at it again") from exc


@router.post("/{content_id}/review", responses=answers(409))
async def review(
    content_id: str, body: ReviewRequest, user: Approver, session: SessionDep, temporal: TemporalDep
) -> ApprovalView:
    """Approves the version in review, or sends it back with a comment; admins and reviewers only.

    The approval holds for that version only: an edit afterwards sends the content back to draft.
    """
    content = await _content(session, user.tenant_id, content_id)
    version = content.current_version
    if body.version is not None and body.version != version:
        raise Conflict(f"content {content_id} is at version {version}, you reviewed version {body.version}")
    if not approvals.in_review(content, version):
        raise Conflict(
            f"version {version} of content {content_id} is not waiting for review "
            f"({content.approval_state.replace('_', ' ')}); it must be submitted first"
        )
    decision = ReviewDecision(reviewer_id=user.user_id, verdict=body.verdict, comment=body.comment.strip())
    recorded = await _decide(temporal, ids.content_approval_workflow_id(content.id, version), decision)
    if not recorded.applied:
        raise Conflict(recorded.reason or f"version {version} is no longer in review")
    await session.rollback()  # read what content-center wrote
    return await _view(session, await _content(session, user.tenant_id, content_id))


async def _decide(temporal: Client, workflow_id: str, decision: ReviewDecision) -> RecordedDecision:
    handle = temporal.get_workflow_handle(workflow_id)
    try:
        recorded = await handle.execute_update(DECIDE_UPDATE, decision, result_type=RecordedDecision)
    except WorkflowUpdateFailedError as exc:
        raise Conflict(f"the decision was not taken: {exc.cause}") from exc
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        raise Conflict("this version's review is no longer running; submit the content again") from exc
    assert isinstance(recorded, RecordedDecision)
    return recorded
