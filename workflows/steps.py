"""Steps shared by the generation workflows: compliance check and saving to content-center."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from douflow.temporal import CONTENT_ID
    from models.content import ContentEdit, NewContent, SavedContent
    from models.generation import ComplianceReport, ComplianceRequest, GeneratedImage, ImageRequest
    from workflows import policies
    from workflows.queues import agent_queue, content_queue

# Labels and enums, not text a reader sees; never worth a compliance finding.
_NOT_TEXT = frozenset({"formula", "platform", "script_type", "shot_size", "camera_movement", "storage_key"})


def text_fields(value: Any, path: str = "") -> dict[str, str]:
    """Flattens a result into field path → text, the shape the compliance check reports on."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        if value.strip():
            found[path] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                found.update(text_fields(item, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(text_fields(item, f"{path}[{index}]"))
    return found


def mark_content(content_id: str) -> None:
    """Makes the run findable by content in the Temporal UI."""
    workflow.upsert_search_attributes([CONTENT_ID.value_set(content_id)])


async def check_compliance(result: Any) -> ComplianceReport:
    return await workflow.execute_activity(
        "check_compliance",
        ComplianceRequest(fields=text_fields(result)),
        result_type=ComplianceReport,
        task_queue=agent_queue(),
        start_to_close_timeout=policies.STORE_CALL_TIMEOUT,
        retry_policy=policies.MODEL_RETRY,
    )


async def draw_image(request: ImageRequest) -> GeneratedImage:
    """One image of a post, stored in the media store by agent-center; only its key comes back."""
    image: GeneratedImage = await workflow.execute_activity(
        "create_image",
        request,
        result_type=GeneratedImage,
        task_queue=agent_queue(),
        start_to_close_timeout=policies.IMAGE_CALL_TIMEOUT,
        retry_policy=policies.IMAGE_RETRY,
    )
    return image


async def save_new_content(new: NewContent) -> SavedContent:
    return await _save("save_new_content", new)


async def save_content_edit(edit: ContentEdit) -> SavedContent:
    return await _save("save_content_edit", edit)


async def _save(activity: str, change: NewContent | ContentEdit) -> SavedContent:
    return await workflow.execute_activity(
        activity,
        change,
        result_type=SavedContent,
        task_queue=content_queue(),
        start_to_close_timeout=policies.STORE_CALL_TIMEOUT,
        retry_policy=policies.STORE_RETRY,
    )


async def run_agent(name: str, request: Any, result_type: type[Any]) -> Any:
    return await workflow.execute_activity(
        name,
        request,
        result_type=result_type,
        task_queue=agent_queue(),
        start_to_close_timeout=policies.MODEL_CALL_TIMEOUT,
        retry_policy=policies.MODEL_RETRY,
    )
