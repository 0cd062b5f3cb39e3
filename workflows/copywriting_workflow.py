"""Seed feature 2: one copy per platform, generated in parallel, saved as one draft."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from douflow.temporal import policies
    from models.brands import BrandContext
    from models.content import NewContent
    from models.generation import CopyJob, Platform, PlatformCopy
    from models.workflows import CopywritingInput, CopywritingResult
    from workflows import calls, steps


@workflow.defn
class CopywritingWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: CopywritingInput) -> CopywritingResult:
        content_id = str(workflow.uuid4())
        steps.mark_content(content_id)
        brand = await steps.load_brand(input.actor, input.request)
        self._stage = "generating"
        copies = await asyncio.gather(
            *(self._copy(input, platform, brand) for platform in input.request.platforms)
        )
        self._stage = "checking"
        compliance = await steps.check_compliance({"copies": [c.model_dump() for c in copies]})
        self._stage = "saving"
        await steps.save_new_content(
            NewContent(
                content_id=content_id,
                actor=input.actor,
                kind="copywriting",
                title=copies[0].title,
                topic=input.request.topic,
                platform=copies[0].platform if len(copies) == 1 else None,
                body={"copies": [c.model_dump() for c in copies], "request": input.request.model_dump()},
                compliance=compliance,
                workflow_id=workflow.info().workflow_id,
            ),
            brand,
        )
        self._stage = "done"
        return CopywritingResult(content_id=content_id, copies=list(copies), compliance=compliance)

    async def _copy(
        self, input: CopywritingInput, platform: Platform, brand: BrandContext | None
    ) -> PlatformCopy:
        brief = input.request.model_dump(exclude={"platforms"})
        request = CopyJob(**brief, platform=platform, brand=brand)
        return await calls.agent(AgentCenter.generate_copy, request, policies.MODEL)

    @workflow.query
    def stage(self) -> str:
        return self._stage
