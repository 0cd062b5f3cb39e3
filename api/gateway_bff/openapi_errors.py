"""Every operation's error answers in the OpenAPI document, all with the one `Error` body.

Most statuses follow from a route's signature (what it takes, whether it needs a token, what its
dependencies refuse), so a new route is documented without repeating itself; a route names the rest
(`responses=answers(409, 502)`). Generated clients can then trust every status they are told about.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.base import SecurityBase

from api.gateway_bff.schemas.errors import Error

DESCRIPTIONS: dict[int, str] = {
    400: "Not processable as sent: malformed JSON, a value the store refuses, a rule between fields, "
    "or a content Douyin would refuse as it is",
    401: "No valid access token: log in at /api/v1/auth/token",
    403: "The caller's role or tenant may not do this",
    404: "What the request names does not exist in the caller's tenant",
    409: "The request conflicts with the current state of what it names (or its Idempotency-Key names another request)",
    413: "The upload is larger than allowed",
    415: "The upload is not a media type that is accepted",
    422: "A field is invalid (`errors` names each), or what the request names does not hold",
    429: "Too many requests: wait as `Retry-After` says",
    502: "A workflow failed after its retries (`error_type`, `workflow_id`)",
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_JSON = "application/json"
# Statuses a dependency can answer, for every route that uses it (directly or through another).
_DEPENDENCY_ANSWERS: dict[Any, frozenset[int]] = {}

_Call = TypeVar("_Call", bound=Callable[..., Any])


# Headers an error status always carries, declared with it.
_HEADERS: dict[int, dict[str, Any]] = {
    429: {
        "Retry-After": {
            "description": "seconds to wait before trying again",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for the error statuses a route answers beyond those its signature shows."""
    return {status: _answer(status) for status in statuses}


def _answer(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": DESCRIPTIONS[status]}
    if status in _HEADERS:
        answer["headers"] = _HEADERS[status]
    return answer


def may_answer(*statuses: int) -> Callable[[_Call], _Call]:
    """Marks a dependency with the error statuses it raises; every route using it documents them."""

    def mark(call: _Call) -> _Call:
        _DEPENDENCY_ANSWERS[call] = frozenset(statuses)
        return call

    return mark


def install_error_contract(app: FastAPI) -> None:
    generate = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        spec = generate()  # FastAPI's own, cached until the routes change
        if not documented or documented[0] is not spec:
            document_errors(spec, app)
            documented[:] = [spec]
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def document_errors(spec: dict[str, Any], app: FastAPI) -> None:
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    error_schema = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["Error"] = error_schema
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        operations = spec["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is not None:
                _document(operation, route.dependant)
    _drop_unused(components, spec)


def _document(operation: dict[str, Any], dependant: Dependant) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    declared = {int(status) for status in responses if status.isdigit() and int(status) >= 400}
    inferred = inferred_statuses(dependant)
    for status in sorted(declared | inferred):
        response = responses.setdefault(str(status), {})
        if response.get("description") in (None, "", "Validation Error", "Additional Response"):
            response["description"] = DESCRIPTIONS.get(status, "Error")
        content = response.setdefault("content", {})
        # A route that answers some errors as a page (the OAuth callback) declares that content itself;
        # what its signature and dependencies refuse still answers JSON.
        if not content or _JSON in content:
            response["content"] = {_JSON: {"schema": _ERROR_REF}}
        elif status in inferred:
            content[_JSON] = {"schema": _ERROR_REF}


def inferred_statuses(dependant: Dependant) -> set[int]:
    """The error statuses a route can answer by what it takes and the dependencies it runs."""
    statuses: set[int] = set()
    for node in _walk(dependant):
        if node.path_params:
            statuses.add(404)
        if node.path_params or node.query_params or node.header_params or node.cookie_params:
            statuses |= {400, 422}
        if node.body_params:
            statuses |= {400, 422}
        if isinstance(node.call, SecurityBase):
            statuses.add(401)
        statuses |= _DEPENDENCY_ANSWERS.get(node.call, frozenset())
    return statuses


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _walk(child)


def _drop_unused(components: dict[str, Any], spec: dict[str, Any]) -> None:
    """FastAPI's own 422 body is replaced everywhere; its schemas would only mislead a generator."""
    for name in ("HTTPValidationError", "ValidationError"):
        schema = components.pop(name, None)
        if schema is not None and f'"#/components/schemas/{name}"' in json.dumps(spec):
            components[name] = schema
