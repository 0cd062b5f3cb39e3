"""One customer comment on a bound account's item (seed 10): stored, triaged, answered in public or not.

Started by the BFF for an `item_comment_reply` webhook under `comment-{account}-{comment}`, so a redelivery
starts nothing. With automatic replies on, the triage looks the comment up in the knowledge base, lets
agent-center decide (a short public answer, an invitation to private messages, nothing, or a person),
checks the reply with the stricter public rule (nothing may divert off the platform) and replies through the
connector with one attempt: a reply is public and irreversible, so only a refusal made before Douyin did
anything is tried again. Whatever happens is written on the comment's row; a person is told when one should
look.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import errors, policies
    from models.comments import (
        CommentJob,
        CommentOutcome,
        CommentReply,
        CommentStatus,
        CommentStored,
        CommentTriageInput,
    )
    from models.conversations import OutgoingCheck
    from models.douyin_accounts import AccountRef
    from models.knowledge import KnowledgeQuery
    from workflows import calls

REPLY_ATTEMPTS = 3
REPLY_PAUSE = timedelta(seconds=2)
# Refusals Douyin made before doing anything (busy, rate limit, a request that never left): safe to repeat.
REFUSED_BEFORE_WORK = frozenset({errors.DOUYIN_TRANSIENT, errors.DOUYIN_RATE_LIMITED})


@workflow.defn
class CommentTriageWorkflow:
    @workflow.run
    async def run(self, comment: CommentTriageInput) -> CommentOutcome:
        stored = await calls.orchestration(Orchestration.record_comment, comment, policies.COMMENT_STORE)
        outcome = await self._triage(comment, stored)
        await calls.orchestration(Orchestration.record_comment_outcome, outcome, policies.COMMENT_STORE)
        return outcome

    async def _triage(self, comment: CommentTriageInput, stored: CommentStored) -> CommentOutcome:
        def outcome(status: CommentStatus, **fields: object) -> CommentOutcome:
            return CommentOutcome.model_validate(
                {"tenant_id": comment.tenant_id, "row_id": stored.row_id, "status": status, **fields}
            )

        if not comment.auto_reply:
            return outcome("waiting_human", reason="automatic comment replies are off", notify=True)
        knowledge = await calls.content(
            ContentCenter.search_knowledge,
            KnowledgeQuery(tenant_id=comment.tenant_id, text=comment.text),
            policies.KNOWLEDGE_READ,
        )
        decision = await calls.agent(
            AgentCenter.triage_comment,
            CommentJob(
                tenant_id=comment.tenant_id, text=comment.text, knowledge=knowledge, brand=stored.brand
            ),
            policies.MODEL,
        )
        decided = {"action": decision.action, "reason": decision.reason, "cited": decision.cited}
        if decision.action == "ignore":
            return outcome("ignored", **decided)
        if decision.action == "handoff":
            return outcome("waiting_human", **decided, notify=True)
        checked = await calls.agent(
            AgentCenter.check_outgoing_message,
            OutgoingCheck(text=decision.reply, public=True),
            policies.COMPLIANCE,
        )
        if checked.blocked:
            reason = "compliance blocked the public reply: " + "、".join(checked.findings)
            return outcome("blocked", **decided | {"reason": reason}, reply_text=decision.reply,
                           findings=checked.findings, notify=True)  # fmt: skip
        status, reply_id, why = await self._reply(comment, checked.text)
        return outcome(
            status,
            **decided | ({"reason": why} if why else {}),
            reply_text=checked.text,
            reply_comment_id=reply_id,
            findings=checked.findings,
            notify=status != "replied",
        )

    async def _reply(
        self, comment: CommentTriageInput, text: str
    ) -> tuple[CommentStatus, str | None, str | None]:
        """(status, Douyin's id of our reply, why not replied)."""
        reply = CommentReply(
            account=AccountRef(tenant_id=comment.tenant_id, account_id=comment.account_id),
            item_id=comment.item_id,
            comment_id=comment.comment_id,
            text=text,
        )
        for attempt in range(1, REPLY_ATTEMPTS + 1):
            try:
                made = await calls.douyin(
                    DouyinConnector.reply_douyin_comment, reply, policies.DOUYIN_REPLY_COMMENT
                )
                return "replied", made.comment_id, None
            except ActivityError as err:
                cause = err.cause
                if not isinstance(cause, ApplicationError) or cause.type == errors.DOUYIN_UNKNOWN_OUTCOME:
                    why = "the reply's outcome is unknown and the comment's replies do not show it; check the app"
                    return "unconfirmed", None, why
                if cause.type not in REFUSED_BEFORE_WORK or attempt == REPLY_ATTEMPTS:
                    return "failed", None, f"Douyin refused the reply ({cause.type}): {cause.message}"
            await workflow.sleep(REPLY_PAUSE * attempt)
        return "failed", None, "Douyin refused the reply"
