"""Login (OAuth2 password form → JWT naming a login session), logout, password change and who-am-I."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.errors import DomainError
from api.gateway_bff.schemas.auth import Me, PasswordChange, TokenResponse
from douflow.accounts import find_login, tenant_user
from douflow.db.base import utcnow
from douflow.login_sessions import end_session, end_user_sessions, open_session
from douflow.security.passwords import hash_password, verify_password
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class WrongPassword(DomainError):
    code = "wrong_password"


@router.post("/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    state: StateDep,
    tenant: Annotated[str | None, Form(max_length=40)] = None,
) -> TokenResponse:
    """Exchanges username and password for a bearer token. `tenant` defaults to the demo tenant;
    `user@tenant` works as a username too."""
    username, tenant_slug = form.username, tenant or state.settings.demo_tenant
    if "@" in username and tenant is None:
        username, tenant_slug = username.rsplit("@", 1)
    user = await find_login(session, tenant_slug, username)
    # Argon2 takes a quarter of a second of CPU: off the event loop, so a login does not stall every request.
    verified = await asyncio.to_thread(verify_password, form.password, user.password_hash if user else None)
    if not verified or user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="wrong tenant, username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    opened = await open_session(session, user, timedelta(seconds=state.tokens.ttl_seconds), utcnow())
    await session.commit()
    principal = Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        username=user.username,
        role=user.role,
        session_id=opened.id,
    )
    return TokenResponse(access_token=state.tokens.issue(principal), expires_in=state.tokens.ttl_seconds)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUser, session: SessionDep, state: StateDep) -> None:
    """Ends the session of this token; the user's other logins stay."""
    await end_session(session, user.session_id, utcnow())
    await session.commit()
    state.sessions.clear()


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChange, user: CurrentUser, session: SessionDep, state: StateDep
) -> None:
    """Sets a new password and ends every other session of the user; this token keeps working."""
    row = await tenant_user(session, user.tenant_id, user.user_id)
    if row is None or not await asyncio.to_thread(verify_password, body.current_password, row.password_hash):
        raise WrongPassword("current_password is not the user's password")
    row.password_hash = await asyncio.to_thread(hash_password, body.new_password)
    await end_user_sessions(session, user.user_id, utcnow(), keep=user.session_id)
    await session.commit()
    state.sessions.clear()


@router.get("/me")
async def me(user: CurrentUser) -> Me:
    return Me(user_id=user.user_id, tenant_id=user.tenant_id, username=user.username, role=user.role)
