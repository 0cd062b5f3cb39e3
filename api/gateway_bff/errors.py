"""Domain errors and the handlers that turn every failure into a clear JSON answer (never a bare 500)."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.gateway_bff.schemas.errors import Error, FieldError
from api.gateway_bff.security_headers import SECURITY_HEADERS
from douflow.security.passwords import HashingBusy

log = logging.getLogger("douflow.bff")


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, object]:
        """The JSON answer; a subclass adds what the caller needs to act on it."""
        return {"detail": self.detail, "code": self.code}

    def headers(self) -> dict[str, str]:
        return {}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class AccountBoundElsewhere(Conflict):
    """The Douyin account is held by another tenant; it must be unbound there before it binds here."""

    code = "account_bound_elsewhere"


class PublishTaken(Conflict):
    """A live publish already holds the content version and account asked for; names it."""

    code = "already_published"

    def __init__(self, detail: str, publish_id: str) -> None:
        super().__init__(detail)
        self.publish_id = publish_id

    def body(self) -> dict[str, object]:
        return super().body() | {"publish_id": self.publish_id}


class MaterialNotSendable(Conflict):
    """The material is expired or archived: it is never sent or shared (seed 17)."""

    code = "material_not_sendable"


class Unprocessable(DomainError):
    """Well-formed, but what it names does not hold (e.g. Douyin does not show the item)."""

    status_code = 422
    code = "unprocessable"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class UpstreamFailed(DomainError):
    """A workflow failed after its retries; the reason is the activity's own."""

    status_code = 502
    code = "workflow_failed"

    def __init__(self, detail: str, error_type: str | None, workflow_id: str) -> None:
        super().__init__(detail)
        self.error_type = error_type
        self.workflow_id = workflow_id

    def body(self) -> dict[str, object]:
        return super().body() | {"error_type": self.error_type, "workflow_id": self.workflow_id}


_HTTP_CODES = {
    400: "invalid_body",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "form", "header")) or "body"


def error_response(status_code: int, error: Error, headers: dict[str, str] | None = None) -> JSONResponse:
    """An error answer: the fields set on `error`, nothing the case does not carry."""
    return JSONResponse(error.model_dump(exclude_unset=True), status_code=status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status_code, Error.model_validate(exc.body()), exc.headers() or None)

    @app.exception_handler(HashingBusy)
    async def hashing_busy(request: Request, _: HashingBusy) -> JSONResponse:
        # The password pool is full (a login flood); the caller is not at fault and may retry at once.
        busy = TooManyRequests("too many password checks at once; retry shortly", retry_after=1)
        return await domain_error(request, busy)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            # Where the parser stopped is no field of the request: say what is wrong with the body.
            return error_response(400, Error(detail="request body is not valid JSON", code="invalid_json"))
        errors = [
            FieldError(field=_location(tuple(e.get("loc", ()))), message=e.get("msg", "invalid"))
            for e in exc.errors()
        ]
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return error_response(
            422, Error(detail=f"invalid request: {summary}", code="invalid_request", errors=errors)
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; every method of the path is allowed.
            headers["Allow"] = ", ".join(allowed_methods(request))
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, Error(detail=str(exc.detail), code=code), headers)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the request carried (a NUL byte in an id, text over a column's length);
        # its own words stay in the log, the caller learns what to fix.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "value refused"
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, reason)
        detail = (
            "a value in the request cannot be stored: a NUL character, or text longer than the field allows"
        )
        return error_response(400, Error(detail=detail, code="invalid_value"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # Starlette sends this answer outside every middleware, so it carries the header itself.
        return error_response(
            500, Error(detail="internal error", code="internal_error"), dict(SECURITY_HEADERS)
        )


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents on this request's path (its OpenAPI document is the route table).

    As OpenAPI matches paths, the templates with the fewest parameters win: `/accounts/bind` is the bind
    resource, not an account named "bind".
    """
    path = request.url.path
    matches = [
        (count, methods) for pattern, count, methods in _path_methods(request.app) if pattern.fullmatch(path)
    ]
    fewest = min((count for count, _ in matches), default=0)
    return sorted(set().union(*(methods for count, methods in matches if count == fewest)))


def _path_methods(app: FastAPI) -> list[tuple[re.Pattern[str], int, set[str]]]:
    cached: list[tuple[re.Pattern[str], int, set[str]]] | None = getattr(app.state, "path_methods", None)
    if cached is None:
        paths = app.openapi().get("paths", {})
        cached = [
            (_pattern(template), len(_PARAMETER.findall(template)), {m.upper() for m in operations})
            for template, operations in paths.items()
        ]
        app.state.path_methods = cached
    return cached


_PARAMETER = re.compile(r"\{\w+\}")


def _pattern(template: str) -> re.Pattern[str]:
    """`/contents/{content_id}` as a regular expression; a parameter is one path segment."""
    pieces = _PARAMETER.split(template)
    return re.compile("[^/]+".join(re.escape(piece) for piece in pieces))
