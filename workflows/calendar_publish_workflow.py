"""Seed feature 6: what a calendar entry's Temporal Schedule starts at each occurrence (or "run now").

Call flow: record the run and re-check the entry, its account and content (content-center) → run
PublishWorkflow as a child → write the outcome back on the run and the entry. A run that cannot publish
(account needs reconnect, entry deleted, already published) ends `skipped` with the reason, so a due
entry is never silently missed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeKey, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, ChildWorkflowError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from douflow.temporal import ids, policies
    from douflow.temporal.errors import PUBLISH_DUPLICATE
    from douflow.temporal.search import Feature, tag_updates, tags
    from douflow.temporal.summaries import publish_summary
    from models.calendar import (
        CalendarRunInput,
        CalendarRunResult,
        RunOutcome,
        RunPlan,
        RunStart,
        RunStatus,
    )
    from models.publish import PublishInput, PublishResult
    from workflows import calls

from workflows.publish_workflow import PublishWorkflow

# Set by the server on every workflow a schedule starts: the occurrence it stands for.
SCHEDULED_START_TIME = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")
# Publishes started since this patch send the content version the run planned, and carry it in their id.
PINNED_VERSION = "publish-pins-content-version"
# Suffix the server appends to a schedule's workflow id: `<action id>-2026-01-01T09:30:00Z`.
SCHEDULED_ID_SUFFIX = len("2026-01-01T09:30:00Z")


@workflow.defn
class CalendarPublishWorkflow:
    def __init__(self) -> None:
        self._status: RunStatus = "running"

    @workflow.run
    async def run(self, input: CalendarRunInput) -> CalendarRunResult:
        self._mark(input)
        scheduled_for = _scheduled_for(input)
        plan = await calls.content(
            ContentCenter.begin_calendar_run,
            RunStart(
                tenant_id=input.actor.tenant_id,
                entry_id=input.entry_id,
                workflow_id=workflow.info().workflow_id,
                trigger=input.trigger,
                scheduled_for=scheduled_for,
                started_at=workflow.now(),
            ),
            policies.PUBLISH_STORE,
        )
        if plan.go:
            outcome = await self._publish(input, plan, scheduled_for)
        else:
            outcome = self._outcome(input, "skipped", reason=plan.reason, cause=plan.cause)
        self._status = outcome.status
        await calls.content(ContentCenter.update_calendar_run, outcome, policies.PUBLISH_STORE)
        return CalendarRunResult(
            entry_id=input.entry_id,
            scheduled_for=scheduled_for,
            status=outcome.status,
            reason=outcome.reason,
            publish_id=outcome.publish_id,
            item_id=outcome.item_id,
        )

    @workflow.query
    def status(self) -> str:
        return self._status

    async def _publish(self, input: CalendarRunInput, plan: RunPlan, scheduled_for: datetime) -> RunOutcome:
        """PublishWorkflow as a child; its id keeps one content from going to one account twice."""
        assert plan.content_id and plan.account_id
        # A one-off shares the publish API's business key; each occurrence of a recurrence has its own.
        occurrence = ids.occurrence_key(None if input.one_off else scheduled_for)
        publish = PublishInput(
            actor=input.actor,
            content_id=plan.content_id,
            account_id=plan.account_id,
            review_poll_seconds=input.review_poll_seconds,
            review_max_polls=input.review_max_polls,
        )
        if workflow.patched(PINNED_VERSION):
            version = plan.content_version
            publish = publish.model_copy(update={"content_version": version, "occurrence": occurrence})
            child_id = ids.publish_workflow_id(plan.content_id, plan.account_id, occurrence, version)
        else:
            child_id = ids.publish_workflow_id(plan.content_id, plan.account_id, occurrence)
        try:
            handle = await workflow.start_child_workflow(
                PublishWorkflow.run,
                publish,
                id=child_id,
                task_queue=workflow.info().task_queue,
                execution_timeout=policies.PUBLISH_RUN,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                # The post is irreversible: a stopped calendar run must not cut a publish in half.
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                search_attributes=tags(
                    input.actor.tenant_id,
                    Feature.PUBLISH,
                    content_id=plan.content_id,
                    account_id=plan.account_id,
                ),
                static_summary=publish_summary(plan.title, plan.content_id, plan.account_id),
            )
        except WorkflowAlreadyStartedError:
            reason = (
                f"this content already went (or is going) to this account in {child_id}; not posted twice"
            )
            return self._outcome(
                input, "skipped", reason=reason, cause="duplicate", publish_workflow_id=child_id
            )
        started: dict[str, Any] = {
            "publish_id": handle.first_execution_run_id,
            "publish_workflow_id": child_id,
        }
        running = self._outcome(input, "running", finished=False, **started)
        await calls.content(ContentCenter.update_calendar_run, running, policies.PUBLISH_STORE)
        try:
            result: PublishResult = await handle
        except ChildWorkflowError as err:
            failed, reason, extra = _failed_publish(err)
            return self._outcome(input, failed, reason=reason, **started, **extra)
        status: RunStatus = "running" if result.status == "publishing" else result.status
        return self._outcome(
            input,
            status,
            reason=result.reason,
            item_id=result.item_id,
            share_url=result.share_url,
            **started,
        )

    def _outcome(
        self, input: CalendarRunInput, status: RunStatus, *, finished: bool = True, **fields: Any
    ) -> RunOutcome:
        return RunOutcome(
            tenant_id=input.actor.tenant_id,
            entry_id=input.entry_id,
            workflow_id=workflow.info().workflow_id,
            status=status,
            finished_at=workflow.now() if finished else None,
            **fields,
        )

    def _mark(self, input: CalendarRunInput) -> None:
        """Findable in the Temporal UI however it was started (schedule or "run now")."""
        workflow.upsert_search_attributes(
            tag_updates(
                input.actor.tenant_id,
                Feature.CALENDAR_PUBLISH,
                content_id=input.content_id,
                account_id=input.account_id,
            )
        )


def _scheduled_for(input: CalendarRunInput) -> datetime:
    """The occurrence this run stands for: given by "run now", else the schedule's own time."""
    if input.scheduled_for is not None:
        return input.scheduled_for
    info = workflow.info()
    scheduled = info.typed_search_attributes.get(SCHEDULED_START_TIME)
    if scheduled is not None:
        return scheduled
    suffix = info.workflow_id[-SCHEDULED_ID_SUFFIX:]
    try:
        return datetime.fromisoformat(suffix.replace("Z", "+00:00"))
    except ValueError:
        return info.start_time


def _failed_publish(err: ChildWorkflowError) -> tuple[RunStatus, str, dict[str, Any]]:
    """The failed or rejected publish's own result (carried in its error), or what stopped it."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type == PUBLISH_DUPLICATE:
        return "skipped", cause.message, {"cause": "duplicate"}
    if isinstance(cause, ApplicationError):
        details = cause.details[0] if cause.details else None
        if isinstance(details, dict) and details.get("status") in ("failed", "rejected"):
            extra = {k: details[k] for k in ("item_id", "share_url") if details.get(k)}
            return details["status"], str(details.get("reason") or cause.message), extra
        return "failed", cause.message, {}
    return "failed", f"the publish stopped: {cause or err}", {}
