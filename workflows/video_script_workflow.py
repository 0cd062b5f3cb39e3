"""Seed feature 4: a structured video script (hook, shots, call to action) saved for production."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from douflow.temporal import policies
    from models.content import NewContent
    from models.generation import VideoScriptJob
    from models.workflows import VideoScriptInput, VideoScriptResult
    from workflows import calls, steps


@workflow.defn
class VideoScriptWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: VideoScriptInput) -> VideoScriptResult:
        content_id = str(workflow.uuid4())
        steps.mark_content(content_id)
        brand = await steps.load_brand(input.actor, input.request)
        self._stage = "generating"
        job = VideoScriptJob(**input.request.model_dump(), brand=brand)
        script = await calls.agent(AgentCenter.generate_video_script, job, policies.MODEL)
        self._stage = "checking"
        compliance = await steps.check_compliance(script.model_dump())
        self._stage = "saving"
        await steps.save_new_content(
            NewContent(
                content_id=content_id,
                actor=input.actor,
                kind="video_script",
                title=script.title,
                topic=input.request.topic,
                platform=None,
                body={**script.model_dump(), "request": input.request.model_dump()},
                compliance=compliance,
                workflow_id=workflow.info().workflow_id,
            ),
            brand,
        )
        self._stage = "done"
        return VideoScriptResult(content_id=content_id, script=script, compliance=compliance)

    @workflow.query
    def stage(self) -> str:
        return self._stage
