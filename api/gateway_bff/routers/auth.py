"""Login (OAuth2 password form → JWT naming a login session), logout, password change and who-am-I."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request, status

from api.gateway_bff.deps import CurrentUser, SessionDep, StateDep
from api.gateway_bff.errors import DomainError, TooManyRequests
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.auth import Me, PasswordChange, TokenResponse
from api.gateway_bff.state import BffState
from douflow.accounts import find_login, tenant_user
from douflow.db.base import utcnow
from douflow.db.tables import Tenant
from douflow.login_sessions import end_session, end_user_sessions, open_session, refresh_session
from douflow.security.login_throttle import Admission, Throttled
from douflow.security.passwords import HashingBusy
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=GuardedRoute)


class WrongPassword(DomainError):
    code = "wrong_password"


@router.post("/token", responses=answers(401, 429))
async def login(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=200)],
    password: Annotated[str, Form(min_length=1, max_length=128, json_schema_extra={"format": "password"})],
    session: SessionDep,
    state: StateDep,
    tenant: Annotated[str | None, Form(max_length=40)] = None,
    grant_type: Annotated[Literal["password"] | None, Form(description="OAuth2 password flow")] = None,
) -> TokenResponse:
    """Exchanges username and password (an OAuth2 password form) for a bearer token. `tenant` defaults to
    the demo tenant; `user@tenant` works as a username too. An empty field counts as a missing one. Too
    many failed attempts for the account or from the client's address answer 429 with Retry-After."""
    tenant_slug = tenant or state.settings.demo_tenant
    if "@" in username and tenant is None:
        username, tenant_slug = username.rsplit("@", 1)
    admission = _admit(state, request, tenant_slug, username)
    user = await find_login(session, tenant_slug, username)
    if not await _verify(state, admission, password, user.password_hash if user else None) or user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="wrong tenant, username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    lifetime = min(timedelta(seconds=state.tokens.ttl_seconds), _max_age(state))
    opened = await open_session(session, user, lifetime, utcnow())
    await session.commit()
    principal = Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        username=user.username,
        role=user.role,
        session_id=opened.id,
    )
    return TokenResponse(access_token=state.tokens.issue(principal), expires_in=state.tokens.ttl_seconds)


@router.post("/refresh", responses=answers(401))
async def refresh(user: CurrentUser, session: SessionDep, state: StateDep) -> TokenResponse:
    """Answers a fresh token for this login session and extends the session by the token's lifetime, so a
    console that refreshes while its token is still valid stays logged in through a working day. A session
    ends SESSION_MAX_HOURS after its login however often it is refreshed, and once its last token expired
    unrefreshed (the idle limit); a logged-out or revoked session, or a disabled user, is a 401."""
    now = utcnow()
    ends = await refresh_session(
        session,
        user.session_id,
        user.user_id,
        user.tenant_id,
        idle=timedelta(seconds=state.tokens.ttl_seconds),
        max_age=_max_age(state),
        now=now,
    )
    if ends is None:
        await session.rollback()
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="session ended or reached its longest lifetime; log in again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await session.commit()
    token = state.tokens.issue(user, expires_at=ends.timestamp())
    return TokenResponse(access_token=token, expires_in=max(0, int(ends.timestamp() - now.timestamp())))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=answers(401))
async def logout(user: CurrentUser, session: SessionDep, state: StateDep) -> None:
    """Ends the session of this token; the user's other logins stay."""
    await end_session(session, user.session_id, utcnow())
    await session.commit()
    state.sessions.clear()


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, responses=answers(400, 429))
async def change_password(
    request: Request, body: PasswordChange, user: CurrentUser, session: SessionDep, state: StateDep
) -> None:
    """Sets a new password and ends every other session of the user; this token keeps working. Wrong
    current passwords count towards the account's login limit."""
    row = await tenant_user(session, user.tenant_id, user.user_id)
    tenant = await session.get(Tenant, user.tenant_id)
    if row is None or tenant is None:
        raise WrongPassword("current_password is not the user's password")
    admission = _admit(state, request, tenant.slug, row.username)
    if not await _verify(state, admission, body.current_password, row.password_hash):
        raise WrongPassword("current_password is not the user's password")
    row.password_hash = await state.passwords.hash(body.new_password)
    await end_user_sessions(session, user.user_id, utcnow(), keep=user.session_id)
    await session.commit()
    state.sessions.clear()


@router.get("/me")
async def me(user: CurrentUser) -> Me:
    return Me(user_id=user.user_id, tenant_id=user.tenant_id, username=user.username, role=user.role)


def _max_age(state: BffState) -> timedelta:
    return timedelta(hours=state.settings.session_max_hours)


def _admit(state: BffState, request: Request, tenant_slug: str, username: str) -> Admission:
    # A digest keeps the throttle's memory per account fixed, however long the submitted name.
    account = hashlib.sha256(repr((tenant_slug, username)).encode()).hexdigest()
    address = request.client.host if request.client else "unknown"
    try:
        return state.logins.admit(account, address)
    except Throttled as exc:
        raise TooManyRequests(
            f"too many login attempts for this account or from this address; retry in {exc.retry_after} s",
            exc.retry_after,
        ) from exc


async def _verify(state: BffState, admission: Admission, password: str, password_hash: str | None) -> bool:
    """Checks the password on the hashing pool; only a judged attempt counts towards the limits."""
    try:
        verified = await state.passwords.verify(password, password_hash)
    except HashingBusy:
        state.logins.withdraw(admission)
        raise
    if verified and password_hash is not None:
        state.logins.succeeded(admission)
    return verified
