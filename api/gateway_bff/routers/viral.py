"""Viral replication (seed 9): the tenant's hit rule and the replications it caused."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.viral import ReplicationView
from douflow.content.metrics import load_rule, save_rule
from douflow.db.metrics_tables import Replication
from models.metrics import ViralRuleSpec

router = APIRouter(prefix="/api/v1", tags=["viral replication"], route_class=GuardedRoute)


def _view(row: Replication) -> ReplicationView:
    return ReplicationView.model_validate(row, from_attributes=True)


@router.get("/viral-rules")
async def get_rule(user: CurrentUser, session: SessionDep) -> ViralRuleSpec:
    """The tenant's hit rule (the defaults until one is saved)."""
    return await load_rule(session, user.tenant_id)


@router.put("/viral-rules")
async def put_rule(rule: ViralRuleSpec, user: Operator, session: SessionDep) -> ViralRuleSpec:
    """Replaces the tenant's rule; the next sync of every account judges by it."""
    await save_rule(session, user.tenant_id, rule, user.user_id)
    await session.commit()
    return await load_rule(session, user.tenant_id)


@router.get("/replications")
async def list_replications(
    user: CurrentUser,
    session: SessionDep,
    account_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReplicationView]:
    """The tenant's replications, newest first."""
    query = select(Replication).where(Replication.tenant_id == user.tenant_id)
    if account_id is not None:
        query = query.where(Replication.account_id == account_id)
    rows = await session.scalars(query.order_by(Replication.created_at.desc()).limit(limit))
    return [_view(r) for r in rows]


@router.get("/replications/{replication_id}")
async def get_replication(replication_id: str, user: CurrentUser, session: SessionDep) -> ReplicationView:
    row = await session.get(Replication, replication_id)
    if row is None or row.tenant_id != user.tenant_id:
        raise NotFound(f"replication {replication_id} not found")
    return _view(row)
