"""Customers (seed 12, 13): their intent scores, level, tags, the events behind the score, their leads, and
the journeys they are or were in.

Every user of the tenant reads; phone numbers and WeChat ids are whole only for admins, operators and agents
(viewers and reviewers see them masked). Scores are computed now from the events and the tenant's rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.gateway_bff.deps import CurrentUser, SessionDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.customers import (
    CrossingView,
    CustomerDetail,
    CustomerEnrolmentPage,
    CustomerEnrolmentView,
    CustomerPage,
    CustomerSummary,
    EventView,
    LeadPage,
    LeadView,
)
from douflow.customers.journeys import EnrolmentRepository
from douflow.customers.profiles import CustomerProfiles, Scored, shown
from douflow.customers.scoring import top_score
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer, Lead
from douflow.security.tokens import Role
from models.customers import Level

router = APIRouter(prefix="/api/v1", tags=["customers"], route_class=GuardedRoute)
MAX_OFFSET = 100_000
TAG_MAX = 40


def _summary(scored: Scored) -> CustomerSummary:
    customer, card = scored.customer, scored.card
    return CustomerSummary(
        id=customer.id,
        open_id=customer.open_id,
        nickname=customer.nickname,
        level=card.level,
        score=top_score(card),
        scores=card.scores,
        tags=list(customer.tags or []),
        last_seen_at=customer.last_seen_at,
    )


def _lead(lead: Lead, role: Role) -> LeadView:
    seen = shown(lead, role)
    return LeadView(
        id=lead.id,
        customer_id=lead.customer_id,
        conversation_id=lead.conversation_id,
        phone=seen.phone,
        wechat=seen.wechat,
        name=lead.name,
        source=lead.source,
        consent=lead.consent,
        masked=seen.masked,
        created_at=lead.created_at,
    )


@router.get("/customers")
async def list_customers(
    user: CurrentUser,
    session: SessionDep,
    level: Level | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1_000_000)] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=TAG_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> CustomerPage:
    """The tenant's customers, latest seen first, by level, least score (the highest group's) and tag."""
    found = await CustomerProfiles(session, user.tenant_id).scored(
        utcnow(), level=level, min_score=min_score, tag=tag
    )
    page = found[offset : offset + limit]
    return CustomerPage(items=[_summary(s) for s in page], total=len(found), limit=limit, offset=offset)


@router.get("/customers/{customer_id}", responses=answers(404))
async def get_customer(customer_id: str, user: CurrentUser, session: SessionDep) -> CustomerDetail:
    """The profile, the scores per group and level now, which events gave how many points after decay, the
    thresholds crossed, the latest events and the leads."""
    profiles = CustomerProfiles(session, user.tenant_id)
    scored = await profiles.one(customer_id, utcnow())
    if scored is None:
        raise NotFound(f"customer {customer_id} not found")
    _, version, _ = await profiles.rules.current()
    events = await profiles.behaviour.recent(customer_id)
    leads = await profiles.behaviour.leads(customer_id, limit=50)
    return CustomerDetail(
        **_summary(scored).model_dump(),
        explanation=scored.card.contributions,
        not_counted=scored.card.skipped,
        rules_version=version,
        events=[
            EventView(id=e.id, type=e.type, occurred_at=e.occurred_at, detail=e.detail or {}) for e in events
        ],
        crossings=[
            CrossingView(key=c.key, above=c.above, value=c.value, actions=list(c.actions or []), at=c.at)
            for c in await profiles.crossings(customer_id)
        ],
        leads=[_lead(lead, user.role) for lead in leads],
    )


@router.get("/customers/{customer_id}/enrolments", responses=answers(404))
async def list_customer_enrolments(
    customer_id: str,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CustomerEnrolmentPage:
    """The customer's enrolments in every journey, newest first, each with its journey's name and version."""
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.tenant_id != user.tenant_id:
        raise NotFound(f"customer {customer_id} not found")
    found = await EnrolmentRepository(session, user.tenant_id).of_customer(customer_id, limit)
    return CustomerEnrolmentPage(
        items=[
            CustomerEnrolmentView(
                id=e.id,
                journey_id=e.journey_id,
                journey_name=name,
                version=e.version,
                status=e.status,
                current_node=e.current_node,
                entered_at=e.entered_at,
                exited_at=e.exited_at,
                exit_reason=e.exit_reason,
                goal_reached=e.goal_reached,
            )
            for e, name in found
        ],
        limit=limit,
    )


@router.get("/leads")
async def list_leads(
    user: CurrentUser,
    session: SessionDep,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> LeadPage:
    """The tenant's leads, newest first: contact details customers gave in a conversation, with its id."""
    leads = await CustomerProfiles(session, user.tenant_id).behaviour.leads(
        customer_id, limit=limit, offset=offset
    )
    return LeadPage(items=[_lead(lead, user.role) for lead in leads], limit=limit, offset=offset)
