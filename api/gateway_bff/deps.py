"""Dependencies of the routes: state, database session, Temporal client and the authenticated user."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.gateway_bff.openapi_errors import may_answer
from api.gateway_bff.state import BffState
from douflow.content.approvals import APPROVER_ROLES
from douflow.db.base import utcnow
from douflow.login_sessions import Standing, session_standing
from douflow.security.tokens import InvalidToken, Principal, Role
from douflow.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_state(request: Request) -> BffState:
    state: BffState = request.app.state.bff
    return state


StateDep = Annotated[BffState, Depends(get_state)]


def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


def get_temporal(state: StateDep) -> Client:
    return state.temporal


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    async with state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def authenticate(state: BffState, token: str | None) -> Principal:
    """The bearer, as its login session and the user's row stand now (the token's role may be stale).

    Raises the 401 that tells the caller to log in again.
    """
    if not token:
        raise _unauthorized(
            "missing access token: log in at /api/v1/auth/token and send 'Authorization: Bearer <token>'"
        )
    try:
        claimed = state.tokens.verify(token)
    except InvalidToken as exc:
        # Which check failed stays on the server: the caller only needs to log in again.
        raise _unauthorized(
            "access token rejected (invalid, expired or not issued here); log in again"
        ) from exc
    standing = await current_standing(state, claimed)
    if standing is None:
        raise _unauthorized(
            "session ended (logged out, password changed, or the user was disabled or removed); log in again"
        )
    return replace(claimed, username=standing.username, role=standing.role)


async def current_standing(state: BffState, claimed: Principal) -> Standing | None:
    """The session's user as the database says now (trusted for SESSION_CHECK_CACHE_SECONDS), or None."""
    standing = state.sessions.get(claimed.session_id)
    if standing is None:
        async with state.sessionmaker() as session:
            standing = await session_standing(
                session, claimed.session_id, claimed.user_id, claimed.tenant_id, utcnow()
            )
        if standing is not None:
            state.sessions.put(claimed.session_id, standing)
    return standing


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def get_current_user(
    request: Request, state: StateDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    checked: Principal | None = getattr(request.state, "principal", None)
    return checked if checked is not None else await authenticate(state, token)


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    @may_answer(403)
    async def check(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"role '{user.role}' may not do this; needs one of: {', '.join(roles)}",
            )
        return user

    return check


Operator = Annotated[Principal, Depends(require_role("admin", "operator"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]
# Who may approve a content for publishing, or send it back.
Approver = Annotated[Principal, Depends(require_role(*APPROVER_ROLES))]
