"""No text the API takes may hold a NUL character: no database text column stores one (PostgreSQL refuses
it, and a workflow that tried would fail after the BFF answered). Said once in the OpenAPI document, for
every string of a parameter or a JSON body, and refused whatever the database: in the path and the query
by `refuse_nul_text`, in JSON bodies by `RequestBody` (and the trimmed text types of `models`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

from api.gateway_bff.errors import DomainError
from models.request_types import STORABLE_PATTERN

NUL = "\x00"


class NulInText(DomainError):
    code = "invalid_value"


async def refuse_nul_text(request: Request) -> None:
    """A dependency of every route: a NUL in the path or the query is a 400 (JSON bodies: RequestBody)."""
    texts = [*request.path_params.values(), *request.query_params.values()]
    if any(isinstance(text, str) and NUL in text for text in texts):
        raise NulInText("text in the request must not contain NUL (\\x00) characters")


def document_storable_text(app: FastAPI) -> None:
    """Every string schema of a request that has no pattern of its own gets the one that excludes NUL."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        spec = generate()
        components = spec.get("components", {}).get("schemas", {})
        seen: set[str] = set()
        for operations in spec["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _exclude_nul(parameter.get("schema", {}), components, seen)
                json_body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                _exclude_nul(json_body.get("schema", {}), components, seen)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _exclude_nul(schema: Any, components: dict[str, Any], seen: set[str]) -> None:
    if isinstance(schema, list):
        for item in schema:
            _exclude_nul(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    reference = schema.get("$ref", "")
    if reference.startswith("#/components/schemas/"):
        name = reference.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _exclude_nul(components.get(name), components, seen)
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & schema.keys():
        schema["pattern"] = STORABLE_PATTERN
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        schema.setdefault("propertyNames", {"pattern": STORABLE_PATTERN})
    for key, value in schema.items():
        if key in ("properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf", "not"):
            if key == "properties":
                for item in value.values():
                    _exclude_nul(item, components, seen)
            else:
                _exclude_nul(value, components, seen)
