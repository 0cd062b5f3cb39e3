"""Deals (seed 18): agents record a sale on a lead; the review dashboard counts them by account, item and
agent. Admins, operators and agents record and read; a lead of another tenant is not found."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.gateway_bff.deps import SessionDep, require_role
from api.gateway_bff.errors import NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.deals import DealCreate, DealPage, DealView
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from douflow.customers.conversations import AGENT_ROLES
from douflow.customers.deals import DealProblem, DealRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Lead
from douflow.db.funnel_tables import Deal
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1", tags=["deals"], route_class=GuardedRoute)
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]
MAX_OFFSET = 100_000


def _view(deal: Deal) -> DealView:
    return DealView(
        id=deal.id,
        customer_id=deal.customer_id,
        lead_id=deal.lead_id,
        task_id=deal.task_id,
        agent_user_id=deal.agent_user_id,
        amount_fen=deal.amount_fen,
        note=deal.note,
        closed_at=deal.closed_at,
        conversation_session_id=deal.session_id,
        created_at=deal.created_at,
    )


@router.post("/leads/{lead_id}/deals", status_code=status.HTTP_201_CREATED, responses=answers(404, 422))
async def record_deal(lead_id: str, body: DealCreate, user: Agent, session: SessionDep) -> DealView:
    """Records a sale on the lead, by the caller, credited to the conversation the lead came from."""
    lead = await session.get(Lead, lead_id)
    if lead is None or lead.tenant_id != user.tenant_id:
        raise NotFound(f"lead {lead_id} not found")
    try:
        deal = await DealRepository(session, user.tenant_id).record(
            lead.customer_id,
            user.user_id,
            body.amount_fen,
            body.closed_at or utcnow(),
            lead_id=lead.id,
            task_id=body.task_id,
            note=body.note,
        )
    except DealProblem as problem:
        raise Unprocessable(f"{problem.field}: {problem}") from problem
    await session.flush()
    view = _view(deal)
    await session.commit()
    return view


@router.get("/deals")
async def list_deals(
    user: Agent,
    session: SessionDep,
    since: Annotated[BoundedAwareDateTime | None, Query(description="closed at or after")] = None,
    until: Annotated[BoundedAwareDateTime | None, Query(description="closed before")] = None,
    customer_id: Annotated[str | None, Query(max_length=36)] = None,
    lead_id: Annotated[str | None, Query(max_length=36)] = None,
    agent_user_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> DealPage:
    """The tenant's deals, latest closed first, by customer, lead or the agent who recorded them."""
    deals = await DealRepository(session, user.tenant_id).list(
        since=since,
        until=until,
        customer_id=customer_id,
        lead_id=lead_id,
        agent_user_id=agent_user_id,
        limit=limit,
        offset=offset,
    )
    return DealPage(items=[_view(d) for d in deals], limit=limit, offset=offset)
