"""Login (OAuth2 password form → JWT) and who-am-I."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, status

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.auth import Me, TokenResponse
from douflow.accounts import find_login
from douflow.security.passwords import verify_password
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", responses=answers(401))
async def login(
    username: Annotated[str, Form(min_length=1, max_length=200)],
    password: Annotated[str, Form(min_length=1, max_length=128, json_schema_extra={"format": "password"})],
    session: SessionDep,
    state: StateDep,
    tenant: Annotated[str | None, Form(max_length=40)] = None,
    grant_type: Annotated[Literal["password"] | None, Form(description="OAuth2 password flow")] = None,
) -> TokenResponse:
    """Exchanges username and password (an OAuth2 password form) for a bearer token. `tenant` defaults to
    the demo tenant; `user@tenant` works as a username too. An empty field counts as a missing one."""
    tenant_slug = tenant or state.settings.demo_tenant
    if "@" in username and tenant is None:
        username, tenant_slug = username.rsplit("@", 1)
    user = await find_login(session, tenant_slug, username)
    # Argon2 takes a quarter of a second of CPU: off the event loop, so a login does not stall every request.
    verified = await asyncio.to_thread(verify_password, password, user.password_hash if user else None)
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
