"""orchestration-service's side of reply suggestions (seed 11): what a set answers, and recording it.

The set's stale guard reads the store: the customer's latest message when the set was asked for, against the
latest when it is recorded (the conversation workflow records each message as it arrives).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.orchestration.contract import Orchestration
from douflow.content.brands import BrandRepository
from douflow.customers.conversations import ConversationRepository
from douflow.customers.suggestions import SuggestionRepository, history_of
from douflow.temporal.errors import CONTENT_NOT_FOUND
from models.suggestions import SuggestionBatch, SuggestionContext, SuggestionInput, SuggestionResult

# Enough transcript for the model to see the question in context.
TRANSCRIPT_MESSAGES = 30


class SuggestionActivities(Orchestration):
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def load_suggestion_context(self, req: SuggestionInput) -> SuggestionContext:
        async with self._sessionmaker() as session:
            conversations = ConversationRepository(session, req.tenant_id)
            conversation = await conversations.get(req.conversation_id)
            if conversation is None:
                raise ApplicationError(
                    f"conversation {req.conversation_id} not found",
                    type=CONTENT_NOT_FOUND,
                    non_retryable=True,
                )
            messages, history = history_of(await conversations.messages(conversation.id, TRANSCRIPT_MESSAGES))
            based_on = await SuggestionRepository(session, req.tenant_id).latest_customer_message(
                conversation.id
            )
            return SuggestionContext(
                conversation_id=conversation.id,
                messages=messages,
                history=history,
                based_on=based_on,
                brand=await BrandRepository(session, req.tenant_id).for_account(conversation.account_id),
            )

    @activity.defn
    async def record_suggestions(self, batch: SuggestionBatch) -> SuggestionResult:
        async with self._sessionmaker() as session:
            repo = SuggestionRepository(session, batch.tenant_id)
            rows = await repo.add(batch)
            await session.flush()
            result = await repo.result(rows)
            await session.commit()
            return result
