"""Editing a content: the new text is compliance-checked, then appended as a version by content-center."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.workflows import ContentEditInput, ContentEditResult
    from workflows import steps


@workflow.defn
class ContentEditWorkflow:
    @workflow.run
    async def run(self, input: ContentEditInput) -> ContentEditResult:
        edit = input.edit
        steps.mark_content(edit.content_id)
        compliance = None
        if edit.title is not None or edit.body is not None:
            compliance = await steps.check_compliance({"title": edit.title or "", "body": edit.body or {}})
            edit = edit.model_copy(update={"compliance": compliance})
        saved = await steps.save_content_edit(edit)
        return ContentEditResult(content_id=saved.content_id, version=saved.version, compliance=compliance)
