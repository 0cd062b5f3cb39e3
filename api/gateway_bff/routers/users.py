"""Users of the caller's tenant, managed by its admins."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.gateway_bff.deps import Admin, SessionDep, StateDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.users import NewUser, UserChange, UserView
from douflow.accounts import lock_tenant, other_active_admins, tenant_user, would_leave_admins
from douflow.db.base import utcnow
from douflow.db.tables import User
from douflow.login_sessions import end_user_sessions

router = APIRouter(prefix="/api/v1/users", tags=["users"], route_class=GuardedRoute)


def _view(user: User) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        disabled=user.disabled,
    )


@router.get("")
async def list_users(admin: Admin, session: SessionDep) -> list[UserView]:
    rows = await session.scalars(
        select(User).where(User.tenant_id == admin.tenant_id).order_by(User.username)
    )
    return [_view(u) for u in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(409))
async def create_user(body: NewUser, admin: Admin, session: SessionDep, state: StateDep) -> UserView:
    user = User(
        tenant_id=admin.tenant_id,
        username=body.username,
        role=body.role,
        display_name=body.display_name,
        password_hash=await state.passwords.hash(body.password),
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        raise Conflict(f"user {body.username} already exists") from exc
    return _view(user)


@router.patch("/{user_id}", responses=answers(409))
async def change_user(
    user_id: str, body: UserChange, admin: Admin, session: SessionDep, state: StateDep
) -> UserView:
    """Changes a user's role, display name or whether it may log in. Disabling ends the user's sessions;
    a new role applies to its live sessions within seconds. The tenant always keeps an active admin (409)."""
    await lock_tenant(session, admin.tenant_id)
    user = await tenant_user(session, admin.tenant_id, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if would_leave_admins(user, body.role, body.disabled) and not await other_active_admins(
        session, admin.tenant_id, user.id
    ):
        raise Conflict(f"{user.username} is the tenant's last active admin: make another user admin first")
    if body.role is not None:
        user.role = body.role
    if body.display_name is not None:
        user.display_name = body.display_name
    if body.disabled is not None:
        user.disabled = body.disabled
    if body.disabled:
        await end_user_sessions(session, user.id, utcnow())
    await session.commit()
    state.sessions.clear()
    return _view(user)
