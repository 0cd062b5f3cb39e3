"""Every workflow the orchestration worker runs."""

from __future__ import annotations

from workflows.content_edit_workflow import ContentEditWorkflow
from workflows.copywriting_workflow import CopywritingWorkflow
from workflows.image_text_workflow import ImageTextWorkflow
from workflows.publish_workflow import PublishWorkflow
from workflows.title_generation_workflow import TitleGenerationWorkflow
from workflows.video_script_workflow import VideoScriptWorkflow

WORKFLOWS: list[type] = [
    TitleGenerationWorkflow,
    CopywritingWorkflow,
    ImageTextWorkflow,
    VideoScriptWorkflow,
    ContentEditWorkflow,
    PublishWorkflow,
]
