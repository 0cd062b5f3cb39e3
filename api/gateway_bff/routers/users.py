"""Users of the caller's tenant, managed by its admins."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.gateway_bff.deps import Admin, SessionDep
from api.gateway_bff.errors import Conflict
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.users import NewUser, UserView
from douflow.db.tables import User
from douflow.security.passwords import hash_password

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("")
async def list_users(admin: Admin, session: SessionDep) -> list[UserView]:
    rows = await session.scalars(
        select(User).where(User.tenant_id == admin.tenant_id).order_by(User.username)
    )
    return [UserView(id=u.id, username=u.username, role=u.role, display_name=u.display_name) for u in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(409))
async def create_user(body: NewUser, admin: Admin, session: SessionDep) -> UserView:
    user = User(
        tenant_id=admin.tenant_id,
        username=body.username,
        role=body.role,
        display_name=body.display_name,
        password_hash=await asyncio.to_thread(hash_password, body.password),  # CPU-heavy: off the loop
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        raise Conflict(f"user {body.username} already exists") from exc
    return UserView(id=user.id, username=user.username, role=user.role, display_name=user.display_name)
