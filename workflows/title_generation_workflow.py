"""Seed feature 1: viral titles. agent-center writes candidates; content-center keeps them as a draft.

A request naming an account first loads the hook patterns of the account's proven posts, which the
candidates follow and cite.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from douflow.temporal import policies
    from models.content import NewContent
    from models.generation import TitleJob
    from models.proven import ProvenPatterns, ProvenQuery
    from models.workflows import TitleGenerationInput, TitleGenerationResult
    from workflows import calls, steps

# Runs since this patch may name an account and load its proven patterns before agent-center is called.
PROVEN_PATTERNS = "titles-learn-from-proven-posts"


@workflow.defn
class TitleGenerationWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: TitleGenerationInput) -> TitleGenerationResult:
        content_id = str(workflow.uuid4())
        steps.mark_content(content_id)
        brand = await steps.load_brand(input.actor, input.request)
        proven = await self._load_proven(input)
        self._stage = "generating"
        job = TitleJob(**input.request.model_dump(), brand=brand, proven=proven)
        result = await calls.agent(AgentCenter.generate_titles, job, policies.MODEL)
        self._stage = "checking"
        compliance = await steps.check_compliance(result.model_dump())
        self._stage = "saving"
        await steps.save_new_content(
            NewContent(
                content_id=content_id,
                actor=input.actor,
                kind="titles",
                title=result.candidates[0].text,
                topic=input.request.topic,
                platform=input.request.platform,
                body={
                    "candidates": [c.model_dump() for c in result.candidates],
                    "request": input.request.model_dump(),
                },
                compliance=compliance,
                workflow_id=workflow.info().workflow_id,
            ),
            brand,
        )
        self._stage = "done"
        return TitleGenerationResult(
            content_id=content_id, candidates=result.candidates, compliance=compliance, proven=proven
        )

    async def _load_proven(self, input: TitleGenerationInput) -> ProvenPatterns | None:
        """The named account's proven patterns, pinned in the history; None when no account is named."""
        account_id = input.request.account_id
        if account_id is None or not workflow.patched(PROVEN_PATTERNS):
            return None
        query = ProvenQuery(tenant_id=input.actor.tenant_id, account_id=account_id)
        return await calls.content(ContentCenter.load_proven_patterns, query, policies.PROVEN_READ)

    @workflow.query
    def stage(self) -> str:
        return self._stage
