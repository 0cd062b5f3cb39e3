"""Rules between fields, spelled in JSON Schema for the OpenAPI document beside the validators that
enforce them, so a client knows them before a request fails."""

from __future__ import annotations

from typing import Any


def _given(field: str) -> dict[str, Any]:
    """The field is present and not null."""
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


def present(field: str) -> dict[str, Any]:
    """The field is present, null included (a patch's null that clears the field is a change)."""
    return {"required": [field]}


def exactly_one(*fields: str) -> dict[str, Any]:
    return {"oneOf": [_given(field) for field in fields]}


def at_least_one(*fields: str) -> dict[str, Any]:
    return {"anyOf": [_given(field) for field in fields]}


def not_both(first: str, second: str) -> dict[str, Any]:
    return {"not": {"allOf": [_given(first), _given(second)]}}


def all_of(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"allOf": list(rules)}
