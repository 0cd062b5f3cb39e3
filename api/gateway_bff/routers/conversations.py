"""Customer conversations (seed 10, 14): the inbox, takeover and release, and agents' replies.

Who answers lives in the conversation's workflow; these routes read the transcript from the store and ask the
workflow (updates) to change hands or send, so an agent's message goes out through the same checks, the same
reply window and the same send path as the bot's.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.gateway_bff.deps import SessionDep, TemporalDep, require_role
from api.gateway_bff.errors import Conflict, Forbidden, MaterialNotSendable, NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.conversations import (
    AgentMessage,
    ConversationDetail,
    ConversationPage,
    ConversationView,
    CustomerRef,
    DecisionView,
    MessageView,
    SentMessageView,
)
from api.gateway_bff.schemas.materials import MaterialSendIn
from douflow.content.materials import MaterialRepository, allows, send_problem
from douflow.customers.conversations import AGENT_ROLES, ConversationRepository
from douflow.customers.suggestions import SuggestionRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Conversation, ConversationMessage, Customer
from douflow.security.tokens import Principal
from models.conversations import (
    AgentReply,
    AgentReplyResult,
    ConversationState,
    ConversationStatus,
    Release,
    Takeover,
)
from models.materials import MaterialSend, MaterialSendOutcome

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"], route_class=GuardedRoute)
# Who works conversations: admins, operators and customer-service agents.
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]
MAX_OFFSET = 100_000
R = TypeVar("R", bound=BaseModel)


def _view(row: Conversation, customer: Customer) -> ConversationView:
    return ConversationView(**_fields(row, customer))


def _fields(row: Conversation, customer: Customer) -> dict[str, Any]:
    return {
        "id": row.id,
        "account_id": row.account_id,
        "customer": CustomerRef(id=customer.id, open_id=customer.open_id, nickname=customer.nickname),
        "state": row.state,
        "owner_id": row.owner_id,
        "paused_until": row.paused_until,
        "handoff_reason": row.handoff_reason,
        "opened_at": row.opened_at,
        "last_message_at": row.last_message_at,
    }


def _message(row: ConversationMessage) -> MessageView:
    decision = DecisionView.model_validate(row.decision) if row.decision else None
    return MessageView(
        id=row.id,
        author=row.author,
        author_user_id=row.author_user_id,
        status=row.status,
        msg_type=row.msg_type,
        text=row.text,
        reason=row.reason,
        findings=list(row.findings or []),
        decision=decision,
        suggestion_id=row.suggestion_id,
        created_at=row.created_at,
    )


async def _load(session: SessionDep, user: Principal, conversation_id: str) -> tuple[Conversation, Customer]:
    repo = ConversationRepository(session, user.tenant_id)
    row = await repo.get(conversation_id)
    customer = await session.get(Customer, row.customer_id) if row is not None else None
    if row is None or customer is None:
        raise NotFound(f"conversation {conversation_id} not found")
    return row, customer


@router.get("")
async def list_conversations(
    user: Agent,
    session: SessionDep,
    state: ConversationState | None = None,
    account_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ConversationPage:
    """The tenant's conversations, latest message first, by state and account."""
    rows = await ConversationRepository(session, user.tenant_id).list(
        state=state, account_id=account_id, limit=limit, offset=offset
    )
    return ConversationPage(items=[_view(c, u) for c, u in rows], limit=limit, offset=offset)


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, user: Agent, session: SessionDep) -> ConversationDetail:
    """The conversation and its transcript, with what the bot decided and what compliance found."""
    row, customer = await _load(session, user, conversation_id)
    messages = await ConversationRepository(session, user.tenant_id).messages(row.id)
    return ConversationDetail(**_fields(row, customer), messages=[_message(m) for m in messages])


@router.post("/{conversation_id}/takeover", responses=answers(409))
async def take_over(
    conversation_id: str, user: Agent, session: SessionDep, temporal: TemporalDep
) -> ConversationView:
    """The caller owns the conversation: the bot stops at once, and nothing it was about to send goes out."""
    row, customer = await _load(session, user, conversation_id)
    await _update(temporal, row, "takeover", Takeover(user_id=user.user_id), ConversationStatus)
    await session.refresh(row)
    return _view(row, customer)


@router.post("/{conversation_id}/release", responses=answers(409))
async def release(
    conversation_id: str, user: Agent, session: SessionDep, temporal: TemporalDep
) -> ConversationView:
    """The bot answers again at once; a pause after a person's reply ends."""
    row, customer = await _load(session, user, conversation_id)
    await _update(temporal, row, "release", Release(user_id=user.user_id), ConversationStatus)
    await session.refresh(row)
    return _view(row, customer)


@router.post("/{conversation_id}/messages", status_code=status.HTTP_201_CREATED, responses=answers(409, 422))
async def send_message(
    conversation_id: str, body: AgentMessage, user: Agent, session: SessionDep, temporal: TemporalDep
) -> SentMessageView:
    """An agent's reply to the customer: compliance-checked, sent within Douyin's 24-hour reply window, and
    the bot paused for the tenant's pause window (renewed by each reply). A `suggestion_id` must name a
    suggestion made for this conversation (422 otherwise); the reply marks it used, and edited or not."""
    row, _ = await _load(session, user, conversation_id)
    if body.suggestion_id is not None:
        suggestion = await SuggestionRepository(session, user.tenant_id).get(body.suggestion_id)
        if suggestion is None or suggestion.conversation_id != row.id:
            raise Unprocessable(f"suggestion {body.suggestion_id} was not made for this conversation")
    reply = AgentReply(user_id=user.user_id, text=body.text, suggestion_id=body.suggestion_id)
    result = await _update(temporal, row, "agent_reply", reply, AgentReplyResult)
    return SentMessageView(message_id=result.message_id, status=result.status, reason=result.reason)


@router.post(
    "/{conversation_id}/materials", status_code=status.HTTP_201_CREATED, responses=answers(403, 409, 422)
)
async def send_material(
    conversation_id: str, body: MaterialSendIn, user: Agent, session: SessionDep, temporal: TemporalDep
) -> MaterialSendOutcome:
    """A material of the library sent to the customer: an image as an image, a video linked to a published
    item as that item, anything else as our tracked link in a text. Only materials of libraries you may view
    (403), never an expired or archived one (409 `material_not_sendable`); the conversation refuses it with
    its reason (409) when the reply window closed or Douyin refused it."""
    row, _ = await _load(session, user, conversation_id)
    materials = MaterialRepository(session, user.tenant_id)
    material = await materials.get(body.material_id)
    if material is None:
        raise Unprocessable(f"material_id {body.material_id} is not a material of this tenant")
    if not allows(await materials.permission(material.library_id, user.user_id, user.role), "viewer"):
        raise Forbidden(f"you may not send materials of library {material.library_id}: you are not a member")
    problem = send_problem(material, utcnow())
    if problem is not None:
        raise MaterialNotSendable(problem)
    send = MaterialSend(
        material_id=material.id, sender="agent", user_id=user.user_id, step_key=f"agent:{uuid.uuid4()}"
    )
    outcome = await _update(temporal, row, "send_material", send, MaterialSendOutcome)
    if outcome.status == "refused":
        raise Conflict(f"not sent: {outcome.reason}")
    return outcome


async def _update(
    temporal: TemporalDep, row: Conversation, name: str, arg: BaseModel, result_type: type[R]
) -> R:
    """An update of the conversation's run; a closed conversation (no run) or a refused update is a 409."""
    handle = temporal.get_workflow_handle(row.workflow_id)
    try:
        result: R = await handle.execute_update(name, arg, result_type=result_type)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise Conflict(f"the conversation refused it: {getattr(cause, 'message', None) or cause}") from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise Conflict("the conversation is closed: it reopens when the customer writes again") from exc
        raise
    return result
