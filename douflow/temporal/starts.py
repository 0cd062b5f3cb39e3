"""How each workflow is started from outside its own code (the BFF, a schedule): one `Start` per run.

A `Start` carries the workflow type, its business-key id, the search attributes every run carries
(tenant and feature, plus content and account where there is one) and a one-line summary the Temporal UI
shows, so operators can tell runs apart. Whatever starts a run, it is started the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel
from temporalio.client import Client, ScheduleActionStartWorkflow, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)

from douflow.settings import Settings
from douflow.temporal import ids, policies
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douflow.temporal.search import CUSTOMER_ID, Feature, system_tags, tags
from douflow.temporal.summaries import calendar_summary, publish_summary, summary, titled
from models.approval import ApprovalInput
from models.calendar import CalendarRunInput
from models.comments import CommentTriageInput
from models.conversations import ConversationInput
from models.douyin_accounts import BindingInput, DouyinEventInput, UnbindInput
from models.journeys import JourneyInput
from models.media import MediaCleanupInput
from models.metrics import MetricsSyncInput
from models.notifications import DigestInput
from models.publish import PublishInput, SweepInput
from models.suggestions import SuggestionInput
from models.tasks import FollowUpTaskInput
from models.workflows import ContentEditInput

# Workflow type names, as the orchestration worker registers them (a test holds them to the registry).
TITLE_GENERATION = "TitleGenerationWorkflow"
COPYWRITING = "CopywritingWorkflow"
IMAGE_TEXT = "ImageTextWorkflow"
VIDEO_SCRIPT = "VideoScriptWorkflow"
CONTENT_EDIT = "ContentEditWorkflow"
CONTENT_APPROVAL = "ContentApprovalWorkflow"
PUBLISH = "PublishWorkflow"
CALENDAR_PUBLISH = "CalendarPublishWorkflow"
ACCOUNT_BINDING = "AccountBindingWorkflow"
ACCOUNT_UNBIND = "AccountUnbindWorkflow"
DOUYIN_EVENT = "DouyinEventWorkflow"
METRICS_SYNC = "MetricsSyncWorkflow"
PUBLISH_SWEEP = "PublishSweepWorkflow"
MEDIA_CLEANUP = "MediaCleanupWorkflow"
CONVERSATION = "ConversationWorkflow"
COMMENT_TRIAGE = "CommentTriageWorkflow"
REPLY_SUGGESTIONS = "ReplySuggestionWorkflow"
FOLLOW_UP_TASK = "FollowUpTaskWorkflow"
NOTIFICATION_DIGEST = "NotificationDigestWorkflow"
JOURNEY = "JourneyWorkflow"


@dataclass(frozen=True)
class Start:
    """One run to start: what, under which business key, tagged and summarised for the Temporal UI."""

    workflow: str
    arg: BaseModel
    id: str
    tags: TypedSearchAttributes
    summary: str
    execution_timeout: timedelta | None
    # A finished run blocks its key unless it failed, so a retried request never does the work twice.
    id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
    # Encrypted like every payload; the BFF keeps here what tells a retried request from another one.
    memo: Mapping[str, str] | None = None


async def start(
    client: Client, settings: Settings, run: Start, *, result_type: type[BaseModel] | None = None
) -> WorkflowHandle[object, object]:
    """Starts the run, or returns the handle of the run already holding its key (a retried request)."""
    handle: WorkflowHandle[object, object] = await client.start_workflow(
        run.workflow,
        run.arg,
        id=run.id,
        task_queue=queue(settings, ORCHESTRATION),
        execution_timeout=run.execution_timeout,
        result_type=result_type,
        id_reuse_policy=run.id_reuse_policy,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=run.tags,
        static_summary=run.summary,
        memo=run.memo,
    )
    return handle


def schedule_action(run: Start, settings: Settings) -> ScheduleActionStartWorkflow:
    """The same run as a schedule's action; the server appends the scheduled time to its id."""
    return ScheduleActionStartWorkflow(
        run.workflow,
        run.arg,
        id=run.id,
        task_queue=queue(settings, ORCHESTRATION),
        execution_timeout=run.execution_timeout,
        typed_search_attributes=run.tags,
        static_summary=run.summary,
    )


# -- seed 1-4: generation and editing ------------------------------------------------------------------

_GENERATION_NAMES = {
    Feature.TITLES: (TITLE_GENERATION, "Titles"),
    Feature.COPYWRITING: (COPYWRITING, "Copy"),
    Feature.IMAGE_POST: (IMAGE_TEXT, "Image post"),
    Feature.VIDEO_SCRIPT: (VIDEO_SCRIPT, "Video script"),
}


def generation(feature: Feature, arg: BaseModel, *, tenant_id: str, request_key: str, topic: str) -> Start:
    workflow, label = _GENERATION_NAMES[feature]
    return Start(
        workflow=workflow,
        arg=arg,
        id=ids.generation_workflow_id(feature.value, tenant_id, request_key),
        tags=tags(tenant_id, feature),
        summary=summary(f"{label}: {topic}"),
        execution_timeout=policies.GENERATION_RUN,
    )


def content_edit(
    arg: ContentEditInput, *, title: str | None, request_key: str, named_base: int | None
) -> Start:
    edit = arg.edit
    base = edit.base_version or 0
    return Start(
        workflow=CONTENT_EDIT,
        arg=arg,
        id=ids.content_edit_workflow_id(edit.content_id, named_base, request_key),
        tags=tags(edit.actor.tenant_id, Feature.CONTENT_EDIT, content_id=edit.content_id),
        summary=summary(f"Edit v{base} of {titled(title, edit.content_id)}"),
        execution_timeout=policies.GENERATION_RUN,
    )


def content_approval(arg: ApprovalInput, *, title: str | None) -> Start:
    """A version's review; submitting it again while it runs joins that run."""
    return Start(
        workflow=CONTENT_APPROVAL,
        arg=arg,
        id=ids.content_approval_workflow_id(arg.content_id, arg.version),
        tags=tags(arg.tenant_id, Feature.CONTENT_APPROVAL, content_id=arg.content_id),
        summary=summary(f"Review v{arg.version} of {titled(title, arg.content_id)}"),
        execution_timeout=policies.APPROVAL_RUN,
    )


# -- seed 5-7: publishing, the calendar, accounts ---------------------------------------------------------


def publish(arg: PublishInput, *, title: str | None) -> Start:
    return Start(
        workflow=PUBLISH,
        arg=arg,
        id=ids.publish_workflow_id(arg.content_id, arg.account_id, arg.occurrence, arg.content_version),
        tags=tags(arg.actor.tenant_id, Feature.PUBLISH, content_id=arg.content_id, account_id=arg.account_id),
        summary=publish_summary(title, arg.content_id, arg.account_id),
        execution_timeout=policies.PUBLISH_RUN,
    )


def publish_sweep(arg: SweepInput, *, queue_prefix: str = "", request_key: str | None = None) -> Start:
    """The schedule's sweep over every tenant (no key), or an operator's settling of named publishes now."""
    if request_key is None or arg.tenant_id is None:
        return Start(
            workflow=PUBLISH_SWEEP,
            arg=arg,
            id=ids.publish_sweep_schedule_id(queue_prefix),
            tags=system_tags(Feature.PUBLISH_SWEEP),
            summary="Settle stale publishes (under review or unconfirmed) from Douyin",
            execution_timeout=policies.PUBLISH_SWEEP_RUN,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
    return Start(
        workflow=PUBLISH_SWEEP,
        arg=arg,
        id=ids.publish_settle_workflow_id(",".join(arg.publish_ids), request_key),
        tags=tags(arg.tenant_id, Feature.PUBLISH_SWEEP),
        summary=summary(f"Settle publish {', '.join(arg.publish_ids)} from Douyin"),
        execution_timeout=policies.PUBLISH_SWEEP_RUN,
    )


def calendar_run(arg: CalendarRunInput, *, title: str | None, run_id: str | None = None) -> Start:
    """A calendar entry's run: the schedule's action (id = the schedule's) or a "run now" (its own id)."""
    when = "now" if arg.trigger == "manual" else ("once" if arg.one_off else "on its schedule")
    return Start(
        workflow=CALENDAR_PUBLISH,
        arg=arg,
        id=run_id or ids.calendar_schedule_id(arg.entry_id),
        tags=tags(
            arg.actor.tenant_id,
            Feature.CALENDAR_PUBLISH,
            content_id=arg.content_id,
            account_id=arg.account_id,
        ),
        summary=calendar_summary(title, arg.content_id, arg.account_id, when),
        execution_timeout=policies.CALENDAR_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


def binding(arg: BindingInput) -> Start:
    return Start(
        workflow=ACCOUNT_BINDING,
        arg=arg,
        id=ids.binding_workflow_id(arg.state),
        tags=tags(arg.tenant_id, Feature.ACCOUNT_BINDING),
        summary="Bind a Douyin account (OAuth code exchange)",
        execution_timeout=policies.ACCOUNT_RUN,
    )


def unbind(arg: UnbindInput, *, request_key: str) -> Start:
    return Start(
        workflow=ACCOUNT_UNBIND,
        arg=arg,
        id=ids.unbind_workflow_id(arg.account_id, request_key),
        tags=tags(arg.tenant_id, Feature.ACCOUNT_BINDING, account_id=arg.account_id),
        summary=f"Unbind Douyin account {arg.account_id}",
        execution_timeout=policies.ACCOUNT_RUN,
    )


def douyin_event(arg: DouyinEventInput, *, tenant_id: str) -> Start:
    return Start(
        workflow=DOUYIN_EVENT,
        arg=arg,
        id=ids.douyin_event_workflow_id(tenant_id, arg.msg_id),
        tags=tags(tenant_id, Feature.DOUYIN_WEBHOOK),
        summary=summary(f"Douyin webhook {arg.event} ({arg.msg_id})"),
        execution_timeout=policies.DOUYIN_EVENT_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


# -- seed 8-9: metrics -------------------------------------------------------------------------------


def metrics_sync(arg: MetricsSyncInput) -> Start:
    return Start(
        workflow=METRICS_SYNC,
        arg=arg,
        id=ids.metrics_sync_workflow_id(arg.account_id),
        tags=tags(arg.tenant_id, Feature.METRICS_SYNC, account_id=arg.account_id),
        summary=f"Metrics sync of Douyin account {arg.account_id}",
        execution_timeout=policies.METRICS_SYNC_RUN,
        # Every sync is new work: a finished one does not block the next.
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


# -- housekeeping ----------------------------------------------------------------------------------------


def media_cleanup(arg: MediaCleanupInput, *, queue_prefix: str) -> Start:
    """The media cleanup schedule's run (for every tenant of the deployment)."""
    return Start(
        workflow=MEDIA_CLEANUP,
        arg=arg,
        id=ids.media_cleanup_schedule_id(queue_prefix),
        tags=system_tags(Feature.MEDIA_CLEANUP),
        summary=summary(f"Remove uploads attached to no content for {arg.grace_hours:g} hours"),
        execution_timeout=policies.MEDIA_CLEANUP_RUN,
    )


def conversation(arg: ConversationInput) -> Start:
    """The conversation of an account with a customer: long-lived (continue-as-new), closed when idle and
    started again by the next message under the same id."""
    return Start(
        workflow=CONVERSATION,
        arg=arg,
        id=ids.conversation_workflow_id(arg.account_id, arg.customer_open_id),
        tags=tags(arg.tenant_id, Feature.CONVERSATION, account_id=arg.account_id),
        summary="customer conversation",
        execution_timeout=policies.CONVERSATION_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


def comment_triage(arg: CommentTriageInput) -> Start:
    """The triage of one customer comment; never started twice for a comment, whatever became of the first."""
    return Start(
        workflow=COMMENT_TRIAGE,
        arg=arg,
        id=ids.comment_triage_workflow_id(arg.account_id, arg.comment_id),
        tags=tags(arg.tenant_id, Feature.COMMENT_TRIAGE, account_id=arg.account_id),
        summary="comment triage",
        execution_timeout=policies.COMMENT_TRIAGE_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


def reply_suggestions(arg: SuggestionInput, *, request_key: str) -> Start:
    """An agent's request for reply suggestions in one conversation (a retried request joins its run)."""
    return Start(
        workflow=REPLY_SUGGESTIONS,
        arg=arg,
        id=ids.suggestion_workflow_id(arg.conversation_id, request_key),
        tags=tags(arg.tenant_id, Feature.REPLY_SUGGESTIONS),
        summary=f"Reply suggestions for conversation {arg.conversation_id}",
        execution_timeout=policies.GENERATION_RUN,
    )


def follow_up_task(arg: FollowUpTaskInput) -> Start:
    """A task's reminder and escalation; started once per task (a retried creation joins the run)."""
    return Start(
        workflow=FOLLOW_UP_TASK,
        arg=arg,
        id=ids.follow_up_task_workflow_id(arg.task_id),
        tags=tags(arg.tenant_id, Feature.FOLLOW_UP_TASK),
        summary=f"Follow-up task {arg.task_id}",
        execution_timeout=policies.FOLLOW_UP_TASK_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


def notification_digest(arg: DigestInput) -> Start:
    """A webhook's digest: started by its first notification, joined by the next ones while it collects."""
    return Start(
        workflow=NOTIFICATION_DIGEST,
        arg=arg,
        id=ids.notification_digest_workflow_id(arg.webhook_id),
        tags=tags(arg.tenant_id, Feature.NOTIFICATION_DIGEST),
        summary=f"Notification digest for webhook {arg.webhook_id}",
        execution_timeout=policies.NOTIFICATION_DIGEST_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


def journey(arg: JourneyInput) -> Start:
    """One customer's enrolment in one journey version; the key is reused by a later enrolment (re-entry)."""
    return Start(
        workflow=JOURNEY,
        arg=arg,
        id=ids.journey_workflow_id(arg.journey_id, arg.customer_id),
        tags=TypedSearchAttributes(
            [
                *tags(arg.tenant_id, Feature.JOURNEY, account_id=arg.account_id).search_attributes,
                SearchAttributePair(CUSTOMER_ID, arg.customer_id),
            ]
        ),
        summary=f"journey {arg.journey_id} v{arg.version}",
        execution_timeout=policies.JOURNEY_RUN,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


async def signal_with_start(
    client: Client, settings: Settings, run: Start, signal: str, arg: BaseModel
) -> WorkflowHandle[object, object]:
    """Delivers `signal` to the run holding the id, starting one first when none is running."""
    handle: WorkflowHandle[object, object] = await client.start_workflow(
        run.workflow,
        run.arg,
        id=run.id,
        task_queue=queue(settings, ORCHESTRATION),
        execution_timeout=run.execution_timeout,
        id_reuse_policy=run.id_reuse_policy,
        search_attributes=run.tags,
        static_summary=run.summary,
        start_signal=signal,
        start_signal_args=[arg],
    )
    return handle


async def update_with_start(
    client: Client,
    settings: Settings,
    run: Start,
    update: str,
    arg: BaseModel,
    *,
    update_id: str,
    result_type: type[BaseModel],
) -> object:
    """Runs `update` on the run holding the id, starting one first when none is running; the update id makes a
    repeated call within the run answer the first one's result."""
    operation: WithStartWorkflowOperation[object, object] = WithStartWorkflowOperation(
        run.workflow,
        run.arg,
        id=run.id,
        task_queue=queue(settings, ORCHESTRATION),
        execution_timeout=run.execution_timeout,
        id_reuse_policy=run.id_reuse_policy,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=run.tags,
        static_summary=run.summary,
    )
    result: object = await client.execute_update_with_start_workflow(
        update, arg, start_workflow_operation=operation, id=update_id, result_type=result_type
    )
    return result
