"""The route class of every BFF router: what happens to a request before FastAPI reads its body.

FastAPI reads and parses the body before it resolves dependencies, so a route's `CurrentUser` would
complain only after a stranger's body was read and judged (a 400 or 422 instead of a 401). Here the caller
is authenticated first, and the body is limited while it streams: a declared `Content-Length` over the
route's limit is refused before a byte is read, a chunked body as soon as it passes the limit. JSON routes
take `MAX_JSON_BODY_BYTES`; a route that takes more (an upload) or less (the webhook) says so with
`@body_limit`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from api.gateway_bff.deps import authenticate, get_current_user, oauth2_scheme
from api.gateway_bff.state import BffState
from douflow.security.tokens import Principal
from douflow.settings import Settings

BodyLimit = Callable[[Settings], int]
Authenticator = Callable[[Request, BffState], Coroutine[Any, Any, Principal]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
Handler = Callable[[Request], Coroutine[Any, Any, Response]]
BODY_LIMIT = "douflow_body_limit"
AUTHENTICATOR = "douflow_authenticator"


def json_body_limit(settings: Settings) -> int:
    return settings.max_json_body_bytes


def body_limit(limit: BodyLimit) -> Callable[[Endpoint], Endpoint]:
    """Gives one endpoint its own body limit (read from the settings when a request arrives)."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, BODY_LIMIT, limit)
        return endpoint

    return mark


def authenticated_by(authenticator: Authenticator) -> Callable[[Endpoint], Endpoint]:
    """For a route whose caller is not a plain bearer (e.g. a cookie too): how to authenticate it first."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, AUTHENTICATOR, authenticator)
        return endpoint

    return mark


async def bearer(request: Request, state: BffState) -> Principal:
    return await authenticate(state, await oauth2_scheme(request))


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI passes it on from its body reading instead of calling it a parse error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: this endpoint takes at most {limit} bytes")


def needs_user(dependant: Dependant) -> bool:
    """Whether the route, or any dependency below it, asks for the authenticated user."""
    return any(sub.call is get_current_user or needs_user(sub) for sub in dependant.dependencies)


def limited(request: Request, limit: int) -> Request:
    """The same request, whose body stops at `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    received = 0
    receive: Receive = request.receive

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return Request(request.scope, counted)


class GuardedRoute(APIRoute):
    """Authenticates (where the route needs a user) and limits the body, then hands over to FastAPI."""

    def get_route_handler(self) -> Handler:
        handler: Handler = super().get_route_handler()
        authenticator: Authenticator | None = getattr(self.endpoint, AUTHENTICATOR, None)
        if authenticator is None and needs_user(self.dependant):
            authenticator = bearer
        limit_of: BodyLimit = getattr(self.endpoint, BODY_LIMIT, json_body_limit)

        async def guarded(request: Request) -> Response:
            state: BffState = request.app.state.bff
            if authenticator is not None:
                # Kept for the route's own dependencies, so the session is looked up once per request.
                request.state.principal = await authenticator(request, state)
            return await handler(limited(request, limit_of(state.settings)))

        return guarded
