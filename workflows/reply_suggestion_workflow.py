"""Seed feature 11: reply suggestions for an agent. orchestration reads what the customer asked, content-center
finds the knowledge entries, agent-center drafts three replies in three styles, compliance checks each, and the
set is recorded with the customer message it answers. Behind `workflow.patched(CITES_MATERIALS)`,
content-center also finds the library materials the requesting agent may send that answer the customer (the
bot's rule, by the agent's library membership; never an expired one), and the drafts may offer them by name.

The stale guard is the store's: when the set is recorded, a customer message newer than the one it answers
marks it stale (still returned, so the agent sees why it may no longer fit), as Chatwoot discards such drafts.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.conversations import OutgoingCheck
    from models.knowledge import KnowledgeHits, KnowledgeQuery
    from models.materials import AgentMaterialQuery, MaterialCitation
    from models.suggestions import (
        CheckedSuggestion,
        SuggestedReply,
        SuggestionBatch,
        SuggestionContext,
        SuggestionInput,
        SuggestionJob,
        SuggestionResult,
    )
    from workflows import calls

# Sets made before this cited knowledge entries only.
CITES_MATERIALS = "suggestions-cite-materials"


@workflow.defn
class ReplySuggestionWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: SuggestionInput) -> SuggestionResult:
        context = await calls.orchestration(
            Orchestration.load_suggestion_context, input, policies.CONVERSATION_STORE
        )
        self._stage = "searching"
        knowledge = await self._search(input.tenant_id, context)
        materials = await self._materials(input, context) if workflow.patched(CITES_MATERIALS) else []
        self._stage = "drafting"
        drafts = await calls.agent(
            AgentCenter.suggest_replies,
            SuggestionJob(
                tenant_id=input.tenant_id,
                messages=context.messages,
                history=context.history,
                knowledge=knowledge,
                brand=context.brand,
                materials=materials,
            ),
            policies.MODEL,
        )
        self._stage = "checking"
        titles = {m.material_id: m.title for m in materials}
        checked = await asyncio.gather(*(self._check(draft, titles) for draft in drafts.suggestions))
        self._stage = "recording"
        result = await calls.orchestration(
            Orchestration.record_suggestions,
            SuggestionBatch(
                tenant_id=input.tenant_id,
                set_id=str(workflow.uuid4()),
                conversation_id=context.conversation_id,
                based_on=context.based_on,
                requested_by=input.requested_by,
                suggestions=[draft for draft in checked if draft is not None],
                at=workflow.now(),
                materials=materials,
            ),
            policies.CONVERSATION_STORE,
        )
        self._stage = "done"
        return result

    @workflow.query
    def stage(self) -> str:
        return self._stage

    async def _search(self, tenant_id: str, context: SuggestionContext) -> KnowledgeHits:
        if not context.messages:
            return KnowledgeHits()
        return await calls.content(
            ContentCenter.search_knowledge,
            KnowledgeQuery(tenant_id=tenant_id, text="\n".join(context.messages)),
            policies.KNOWLEDGE_READ,
        )

    async def _materials(self, input: SuggestionInput, context: SuggestionContext) -> list[MaterialCitation]:
        if not context.messages:
            return []
        offers = await calls.content(
            ContentCenter.find_agent_materials,
            AgentMaterialQuery(
                tenant_id=input.tenant_id, user_id=input.requested_by, text="\n".join(context.messages)
            ),
            policies.KNOWLEDGE_READ,
        )
        return offers.materials

    async def _check(self, draft: SuggestedReply, titles: dict[str, str]) -> CheckedSuggestion | None:
        """The draft as it may be sent, offering only the materials it still names; None when compliance
        leaves nothing of it."""
        checked = await calls.agent(
            AgentCenter.check_outgoing_message, OutgoingCheck(text=draft.text), policies.COMPLIANCE
        )
        if checked.blocked:
            return None
        named = [m for m in draft.materials if m in titles and titles[m] in checked.text]
        return CheckedSuggestion(
            **draft.model_dump(exclude={"text", "materials"}),
            text=checked.text,
            findings=checked.findings,
            materials=named,
        )
