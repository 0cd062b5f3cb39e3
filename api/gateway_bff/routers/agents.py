"""The caller's customer-service desk (seed 14): whether handed-off conversations are assigned to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.gateway_bff.deps import SessionDep, SettingsDep, require_role
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.conversations import AgentDeskChange, AgentDeskView
from douflow.customers.assignment import AgentDesk
from douflow.customers.conversations import AGENT_ROLES
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/agents", tags=["conversations"], route_class=GuardedRoute)
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]


async def _view(desk: AgentDesk, user: Principal, cap: int) -> AgentDeskView:
    presence = await desk.presence(user.user_id)
    return AgentDeskView(
        available=bool(presence and presence.available),
        open_conversations=await desk.open_count(user.user_id),
        cap=cap,
    )


@router.get("/me")
async def my_desk(user: Agent, session: SessionDep, settings: SettingsDep) -> AgentDeskView:
    return await _view(AgentDesk(session, user.tenant_id), user, settings.conversation_agent_cap)


@router.put("/me")
async def change_my_desk(
    body: AgentDeskChange, user: Agent, session: SessionDep, settings: SettingsDep
) -> AgentDeskView:
    """Available: handed-off conversations are assigned to the caller, round-robin, up to the cap."""
    desk = AgentDesk(session, user.tenant_id)
    await desk.set_available(user.user_id, body.available)
    await session.commit()
    return await _view(desk, user, settings.conversation_agent_cap)
