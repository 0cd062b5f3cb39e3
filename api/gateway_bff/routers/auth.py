"""Login (OAuth2 password form → JWT) and who-am-I."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.auth import Me, TokenResponse
from douflow.accounts import find_login
from douflow.security.passwords import verify_password
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=GuardedRoute)


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
    principal = Principal(user_id=user.id, tenant_id=user.tenant_id, username=user.username, role=user.role)
    return TokenResponse(access_token=state.tokens.issue(principal), expires_in=state.tokens.ttl_seconds)


@router.get("/me")
async def me(user: CurrentUser) -> Me:
    return Me(user_id=user.user_id, tenant_id=user.tenant_id, username=user.username, role=user.role)
