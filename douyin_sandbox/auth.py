"""Access-token checks for business APIs, in the order the platform reports them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from douyin_sandbox.envelopes import EnvelopeStyle, SandboxApiError
from douyin_sandbox.runtime import SandboxRuntime, get_runtime
from douyin_sandbox.store import token_key

TOKEN_INVALID = 28001003
TOKEN_EXPIRED = 28001008
SCOPE_MISSING = 28001012
OPEN_ID_MISMATCH = 28001015
PARAM_INVALID = 28001007


@dataclass(frozen=True)
class Caller:
    open_id: str
    scopes: frozenset[str]


def presented_token(request: Request) -> str | None:
    """New APIs use the `access-token` header; legacy ones pass `access_token` in the query."""
    return request.headers.get("access-token") or request.query_params.get("access_token")


def check_user_token(
    runtime: SandboxRuntime,
    token: str | None,
    open_id: str | None,
    scope: str | None,
    style: EnvelopeStyle = "classic",
) -> Caller:
    state = runtime.store.state
    record = state.access_tokens.get(token_key(token)) if token else None
    if record is None or record.open_id not in state.grants:
        raise SandboxApiError(TOKEN_INVALID, style=style)
    if record.expires_at <= runtime.now():
        raise SandboxApiError(TOKEN_EXPIRED, style=style)
    if not open_id:
        raise SandboxApiError(PARAM_INVALID, "open_id不能为空", style=style)
    if open_id != record.open_id:
        raise SandboxApiError(OPEN_ID_MISMATCH, style=style)
    scopes = frozenset(state.grants[record.open_id].scopes)
    if scope is not None and scope not in scopes:
        raise SandboxApiError(SCOPE_MISSING, style=style)
    return Caller(open_id=record.open_id, scopes=scopes)


def user_with_scope(scope: str) -> Callable[[Request], Awaitable[Caller]]:
    """Dependency for `/api/douyin/v1/...`: faults first, then token, open_id and scope checks."""

    async def dependency(request: Request) -> Caller:
        runtime = get_runtime(request)
        await runtime.faults.before_business_call(endpoint=request.url.path)
        return check_user_token(runtime, presented_token(request), request.query_params.get("open_id"), scope)

    return dependency
