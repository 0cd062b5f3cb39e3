"""Every workflow the orchestration worker runs."""

from __future__ import annotations

from workflows.account_binding_workflow import AccountBindingWorkflow
from workflows.account_token_workflow import AccountTokenWorkflow
from workflows.account_unbind_workflow import AccountUnbindWorkflow
from workflows.calendar_publish_workflow import CalendarPublishWorkflow
from workflows.comment_triage_workflow import CommentTriageWorkflow
from workflows.content_approval_workflow import ContentApprovalWorkflow
from workflows.content_edit_workflow import ContentEditWorkflow
from workflows.conversation_workflow import ConversationWorkflow
from workflows.copywriting_workflow import CopywritingWorkflow
from workflows.douyin_event_workflow import DouyinEventWorkflow
from workflows.follow_up_task_workflow import FollowUpTaskWorkflow
from workflows.image_text_workflow import ImageTextWorkflow
from workflows.journey_workflow import JourneyWorkflow
from workflows.media_cleanup_workflow import MediaCleanupWorkflow
from workflows.metrics_sync_workflow import MetricsSyncWorkflow
from workflows.notification_digest_workflow import NotificationDigestWorkflow
from workflows.publish_sweep_workflow import PublishSweepWorkflow
from workflows.publish_workflow import PublishWorkflow
from workflows.replication_workflow import ReplicationWorkflow
from workflows.reply_suggestion_workflow import ReplySuggestionWorkflow
from workflows.title_generation_workflow import TitleGenerationWorkflow
from workflows.video_script_workflow import VideoScriptWorkflow

WORKFLOWS: list[type] = [
    TitleGenerationWorkflow,
    CopywritingWorkflow,
    ImageTextWorkflow,
    VideoScriptWorkflow,
    ContentEditWorkflow,
    ContentApprovalWorkflow,
    AccountBindingWorkflow,
    AccountTokenWorkflow,
    AccountUnbindWorkflow,
    DouyinEventWorkflow,
    PublishWorkflow,
    PublishSweepWorkflow,
    CalendarPublishWorkflow,
    MetricsSyncWorkflow,
    ReplicationWorkflow,
    MediaCleanupWorkflow,
    ConversationWorkflow,
    CommentTriageWorkflow,
    ReplySuggestionWorkflow,
    FollowUpTaskWorkflow,
    NotificationDigestWorkflow,
    JourneyWorkflow,
]
