"""Users of the caller's tenant, managed by its admins; a directory of them that every user may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.gateway_bff.deps import Admin, CurrentUser, SessionDep, StateDep
from api.gateway_bff.errors import Conflict, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.users import DirectoryEntry, NewUser, UserChange, UserView
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


@router.get("/directory")
async def user_directory(
    user: CurrentUser,
    session: SessionDep,
    include_inactive: Annotated[
        bool, Query(description="also the users who may no longer log in (disabled)")
    ] = False,
) -> list[DirectoryEntry]:
    """The tenant's users by name, for picking a task's owner or a library's member: any signed-in user may
    read it, so it holds no more than a colleague needs to recognise someone."""
    query = select(User).where(User.tenant_id == user.tenant_id)
    if not include_inactive:
        query = query.where(User.disabled.is_(False))
    entries = [
        DirectoryEntry(id=u.id, display_name=u.display_name or u.username, role=u.role, active=not u.disabled)
        for u in await session.scalars(query)
    ]
    return sorted(entries, key=lambda e: (e.display_name.casefold(), e.id))


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
