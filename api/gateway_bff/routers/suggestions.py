"""Reply suggestions for agents (seed 11): drafts in three styles for a conversation, the latest set, and how
many were sent. A set cites the library materials (seed 17) the agent may send that answer the customer; read
later, it keeps only those the reader may still send.

Asking starts a `ReplySuggestionWorkflow` and waits for it like the generation routes do (or answers 202 to
poll). A set answers the customer's latest message when it was asked for; it is marked stale when the customer
wrote again, both when it is made and whenever it is read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.routers.conversations import Agent
from api.gateway_bff.schemas.suggestions import SuggestionSetView
from douflow.customers.conversations import ConversationRepository
from douflow.customers.suggestions import SuggestionRepository, for_reader
from douflow.db.base import utcnow
from douflow.temporal import starts
from models.suggestions import SuggestionInput, SuggestionResult, SuggestionStats

router = APIRouter(prefix="/api/v1", tags=["suggestions"], route_class=GuardedRoute)

Wait = Annotated[bool, Query(description="false: answer 202 at once and poll /api/v1/workflows/{id}")]
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    """Only `YYYY-MM-DD`, as `format: date` says: pydantic would also read "0" as a Unix time."""
    if isinstance(value, str) and not _ISO_DAY.match(value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_day), Query(description="a UTC day (YYYY-MM-DD), included")]


@router.post(
    "/conversations/{conversation_id}/suggestions",
    response_model=SuggestionSetView,
    responses={**runner.ACCEPTED, **answers(404, 409, 502)},
)
async def suggest_replies(
    conversation_id: str,
    user: Agent,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    key: runner.Key,
    wait: Wait = True,
) -> SuggestionSetView | JSONResponse:
    """Three replies to the customer's latest message, one per style (简洁直接, 热情亲切, 专业详细), grounded in
    the knowledge base and the brand with the entries they cite, compliance-checked; holding replies citing
    nothing when no entry answers. `stale` when the customer wrote again while they were drafted.

    `materials` cites the library materials that answer the customer's latest messages and that you may send
    (libraries you may view; never an expired or archived one), each with its id, title, kind and why it
    matched; a draft that offers one names it by title and lists its id in its own `materials`. Send it with
    `POST /api/v1/conversations/{id}/materials`."""
    conversation = await ConversationRepository(session, user.tenant_id).get(conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} not found")
    if await SuggestionRepository(session, user.tenant_id).latest_customer_message(conversation.id) is None:
        raise Conflict("the customer has not written yet: suggestions answer a customer's message")
    arg = SuggestionInput(
        tenant_id=user.tenant_id, conversation_id=conversation.id, requested_by=user.user_id
    )
    run = starts.reply_suggestions(arg, request_key=key.value)
    started = await runner.start(temporal, settings, run, SuggestionResult, key)
    result = None
    if wait:
        result = await runner.wait_result(started, SuggestionResult, settings.bff_sync_timeout_seconds)
    if result is None:
        return runner.accepted(started.workflow_id)
    made = SuggestionResult.model_validate(result.model_dump())
    made = await for_reader(session, made, user.tenant_id, user.user_id, user.role, utcnow())
    return SuggestionSetView(**made.model_dump(), workflow_id=started.workflow_id)


@router.get("/conversations/{conversation_id}/suggestions", responses=answers(404))
async def latest_suggestions(conversation_id: str, user: Agent, session: SessionDep) -> SuggestionSetView:
    """The conversation's latest set, with whether it is stale now and which of it was sent; its materials
    are those you may send now (one that expired since, or of a library you may not view, is left out)."""
    conversation = await ConversationRepository(session, user.tenant_id).get(conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} not found")
    repo = SuggestionRepository(session, user.tenant_id)
    rows = await repo.latest_set(conversation.id)
    if not rows:
        raise NotFound(f"no suggestions were made for conversation {conversation_id}")
    result = await for_reader(
        session, await repo.result(rows), user.tenant_id, user.user_id, user.role, utcnow()
    )
    return SuggestionSetView(**result.model_dump())


@router.get("/suggestions/stats")
async def suggestion_stats(
    user: Operator, session: SessionDep, since: Day = None, until: Day = None
) -> SuggestionStats:
    """Acceptance of the sets made in the period: sets made and used, suggestions sent as they were or
    edited, per style."""
    start = datetime.combine(since, time.min, UTC) if since is not None else None
    end = datetime.combine(until, time.min, UTC) + timedelta(days=1) if until and until < date.max else None
    return await SuggestionRepository(session, user.tenant_id).stats(start, end)
