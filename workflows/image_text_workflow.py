"""Seed feature 3: image+text post. Copy and image descriptions first, then the images in parallel."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from douflow.temporal import policies
    from models.content import NewContent
    from models.generation import GeneratedImage, ImagePostDraft, ImagePostJob, ImageRequest
    from models.workflows import ImageTextInput, ImageTextResult
    from workflows import calls, steps


@workflow.defn
class ImageTextWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: ImageTextInput) -> ImageTextResult:
        content_id = str(workflow.uuid4())
        steps.mark_content(content_id)
        brand = await steps.load_brand(input.actor, input.request)
        self._stage = "writing"
        job = ImagePostJob(**input.request.model_dump(), brand=brand)
        post = await calls.agent(AgentCenter.generate_image_post, job, policies.MODEL)
        self._stage = "drawing"
        images = await asyncio.gather(*(self._image(input, post, index) for index in range(len(post.images))))
        self._stage = "checking"
        compliance = await steps.check_compliance(post.model_dump())
        self._stage = "saving"
        saved = await steps.save_new_content(
            NewContent(
                content_id=content_id,
                actor=input.actor,
                kind="image_post",
                title=post.title,
                topic=input.request.topic,
                platform=post.platform,
                body={**post.model_dump(), "request": input.request.model_dump()},
                compliance=compliance,
                workflow_id=workflow.info().workflow_id,
                images=list(images),
            ),
            brand,
        )
        self._stage = "done"
        return ImageTextResult(
            content_id=content_id, post=post, asset_ids=saved.asset_ids, compliance=compliance
        )

    async def _image(self, input: ImageTextInput, post: ImagePostDraft, index: int) -> GeneratedImage:
        return await steps.draw_image(
            ImageRequest(
                tenant_id=input.actor.tenant_id,
                title=post.title,
                spec=post.images[index],
                index=index,
                platform=post.platform,
            )
        )

    @workflow.query
    def stage(self) -> str:
        return self._stage
