"""Approval before publish: one run per submitted content version waits for a reviewer's decision.

Reviewers are told when the version is submitted and reminded every `remind_after` until someone decides
(an update from the BFF, applied by content-center and audited) or the version stops waiting (edited, so
its review is void). Temporal's UI shows who is waiting on what, and since when.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from douflow.temporal import policies
    from models.approval import (
        ApprovalEnd,
        ApprovalInput,
        ApprovalResult,
        DecisionToRecord,
        RecordedDecision,
        ReviewDecision,
        ReviewNotice,
    )
    from models.content import Actor
    from workflows import calls


@workflow.defn
class ContentApprovalWorkflow:
    @workflow.init
    def __init__(self, input: ApprovalInput) -> None:
        self._input = input
        self._deciding = False
        self._end: ApprovalEnd | None = None
        self._decision: ReviewDecision | None = None

    @workflow.run
    async def run(self, input: ApprovalInput) -> ApprovalResult:
        reminders = 0
        pending = await self._notify(reminders)
        while pending and self._end is None:
            try:
                await workflow.wait_condition(lambda: self._end is not None, timeout=input.remind_after)
            except TimeoutError:
                reminders += 1
                pending = await self._notify(reminders)
        # A decision being recorded finishes before the run answers.
        await workflow.wait_condition(lambda: not self._deciding)
        return self._result(reminders)

    async def _notify(self, reminder: int) -> bool:
        notice = ReviewNotice(
            tenant_id=self._input.tenant_id,
            content_id=self._input.content_id,
            version=self._input.version,
            reminder=reminder,
        )
        waiting = await calls.content(ContentCenter.notify_reviewers, notice, policies.CONTENT_WRITE)
        return waiting.pending

    def _result(self, reminders: int) -> ApprovalResult:
        decision = self._decision
        return ApprovalResult(
            content_id=self._input.content_id,
            version=self._input.version,
            end=self._end or "superseded",
            by=decision.reviewer_id if decision and self._end != "superseded" else None,
            comment=decision.comment if decision and self._end != "superseded" else None,
            reminders=reminders,
        )

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> RecordedDecision:
        """A reviewer approves the version or sends it back (`POST /api/v1/contents/{id}/review`)."""
        self._deciding = True
        try:
            recorded = await calls.content(
                ContentCenter.record_approval_decision, self._to_record(decision), policies.CONTENT_WRITE
            )
        finally:
            self._deciding = False
        self._decision = decision
        if not recorded.applied:
            self._end = "superseded"
        else:
            self._end = "approved" if decision.verdict == "approve" else "changes_requested"
        return recorded

    @decide.validator
    def _one_decision(self, decision: ReviewDecision) -> None:
        if self._end is not None or self._deciding:
            raise ValueError("this version's review is already decided")

    def _to_record(self, decision: ReviewDecision) -> DecisionToRecord:
        return DecisionToRecord(
            actor=Actor(tenant_id=self._input.tenant_id, user_id=decision.reviewer_id),
            content_id=self._input.content_id,
            version=self._input.version,
            verdict=decision.verdict,
            comment=decision.comment,
        )
