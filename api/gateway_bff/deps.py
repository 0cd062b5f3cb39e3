"""Dependencies of the routes: state, database session, Temporal client and the authenticated user."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.gateway_bff.openapi_errors import may_answer
from api.gateway_bff.state import BffState
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


def get_current_user(state: StateDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    unauthorized = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="missing access token: log in at /api/v1/auth/token and send 'Authorization: Bearer <token>'",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if not token:
        raise unauthorized
    try:
        return state.tokens.verify(token)
    except InvalidToken as exc:
        # Which check failed stays on the server: the caller only needs to log in again.
        unauthorized.detail = "access token rejected (invalid, expired or not issued here); log in again"
        raise unauthorized from exc


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
