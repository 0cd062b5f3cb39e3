"""What the OpenAPI document promises a generated client, held against what the BFF answers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.schemas import APIOperation

from tests.support.auth import TestUser

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
KEYED = [
    ("post", "/api/v1/titles"),
    ("post", "/api/v1/copywriting"),
    ("post", "/api/v1/image-posts"),
    ("post", "/api/v1/video-scripts"),
    ("patch", "/api/v1/contents/{content_id}"),
    ("post", "/api/v1/calendar/entries/{entry_id}/trigger"),
    ("delete", "/api/v1/douyin/accounts/{account_id}"),
]


@pytest.fixture(scope="module")
async def spec(http: httpx.AsyncClient) -> dict[str, Any]:
    document: dict[str, Any] = (await http.get("/openapi.json")).json()
    return document


def _operation(spec: dict[str, Any], method: str, path: str) -> APIOperation:
    return schemathesis.openapi.from_dict(spec)[path][method.upper()]


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


async def test_every_error_status_is_declared_with_the_one_error_body(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        for status, response in responses.items():
            if status[0] in "45":
                pages = {"text/html": {"schema": {"type": "string"}}}
                assert response["content"] in (ERROR, pages, {**pages, **ERROR}), (method, path, status)
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input and path != "/api/v1/media":
            assert {"400", "422"} <= responses.keys(), (method, path)
        if operation.get("security"):
            assert "401" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["properties"]["detail"] == {"type": "string", "title": "Detail"}
    assert schemas["Error"]["required"] == ["detail", "code"]
    assert "HTTPValidationError" not in schemas, "FastAPI's own 422 body (detail: [...]) is never sent"


@pytest.mark.parametrize(
    ("method", "path", "template", "body", "persona"),
    [
        ("get", "/api/v1/contents?limit=0", "/api/v1/contents", None, "operator"),
        ("get", "/api/v1/contents/nope", "/api/v1/contents/{content_id}", None, "operator"),
        ("get", "/api/v1/contents", "/api/v1/contents", None, None),
        ("patch", "/api/v1/contents/nope", "/api/v1/contents/{content_id}", {"title": "x"}, "viewer"),
        ("post", "/api/v1/titles", "/api/v1/titles", '{"topic": ', "operator"),
        ("post", "/api/v1/users", "/api/v1/users", {"username": "ada", "password": "p" * 8, "role": "viewer"}, "admin"),
        ("post", "/api/v1/auth/token", "/api/v1/auth/token", {"username": "nobody", "password": "x"}, None),
    ],
)  # fmt: skip
async def test_error_answers_have_the_body_the_document_declares(
    http: httpx.AsyncClient,
    spec: dict[str, Any],
    operator: TestUser,
    viewer: TestUser,
    admin: TestUser,
    method: str,
    path: str,
    template: str,
    body: Any,
    persona: str | None,
) -> None:
    users = {"operator": operator, "viewer": viewer, "admin": admin}
    headers = users[persona].headers if persona else {}
    if isinstance(body, str):
        response = await http.request(
            method, path, content=body, headers={**headers, "Content-Type": "application/json"}
        )
    elif template == "/api/v1/auth/token":
        response = await http.request(method, path, data=body, headers=headers)
    else:
        response = await http.request(method, path, json=body, headers=headers)
    assert response.status_code >= 400, response.text
    assert str(response.status_code) in spec["paths"][template][method]["responses"], response.status_code
    _operation(spec, method, template).validate_response(response)


async def test_a_generation_declares_its_result_and_its_202(
    http: httpx.AsyncClient, operator: TestUser, spec: dict[str, Any]
) -> None:
    responses = spec["paths"]["/api/v1/titles"]["post"]["responses"]
    schema = {"$ref": "#/components/schemas/TitlesResponse"}
    assert responses["200"]["content"]["application/json"]["schema"] == schema
    assert responses["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Accepted"
    }
    operation = _operation(spec, "post", "/api/v1/titles")
    for wait, status in (("false", 202), ("true", 200)):
        response = await http.post(
            f"/api/v1/titles?wait={wait}", json={"topic": "通勤穿搭"}, headers=operator.headers
        )
        assert response.status_code == status, response.text
        operation.validate_response(response)
    sync = spec["paths"]["/api/v1/metrics/accounts/{account_id}/sync"]["post"]["responses"]
    assert sync["200"]["content"] == sync["202"]["content"], "wait=true answers the same body with 200"


async def test_the_limits_the_server_enforces_are_in_the_document(
    http: httpx.AsyncClient, operator: TestUser, spec: dict[str, Any]
) -> None:
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/calendar"]["get"]["parameters"]}
    day_pattern = parameters["from"]["schema"]["pattern"]
    assert "92 days" in parameters["to"]["description"]
    for value, valid in [
        ("2000-01-01T00:00", True),
        ("2024-02-29T08:00:00+08:00", True),
        ("2100-12-31T23:59:59Z", True),
        ("1999-12-31T23:59", False),
        ("2101-01-01T00:00", False),
        ("2100-02-29T00:00", False),
        ("2026-02-30T00:00", False),
        ("1700000000", False),
    ]:
        assert bool(re.fullmatch(day_pattern, value)) is valid, value
        response = await http.get(
            "/api/v1/calendar", params={"from": value, "to": value}, headers=operator.headers
        )
        refused = response.status_code == 422 and response.json()["errors"][0]["field"] == "from"
        assert refused is not valid, (value, response.text)
    for method, path in KEYED:
        key = next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == "idempotency-key")
        assert key["schema"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9._:-]{1,64}$", path
    entry = spec["components"]["schemas"]["EntryCreate"]
    assert [branch["required"] for branch in entry["oneOf"]] == [["run_at"], ["recurrence"]]


def _numbers(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        if schema.get("type") in ("integer", "number"):
            yield where, schema
        for key, value in schema.items():
            yield from _numbers(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _numbers(value, f"{where}[{index}]")


async def test_every_number_a_request_carries_is_bounded(spec: dict[str, Any]) -> None:
    """A number past the database's range must be refused as invalid, never reach it (500)."""
    schemas = spec["components"]["schemas"]
    taken: set[str] = set()
    pending = [
        op.get("requestBody", {}) for _, _, op in _operations(spec)
    ]  # the request bodies and what they refer to
    while pending:
        for ref in re.findall(r"#/components/schemas/(\w+)", str(pending.pop())):
            if ref not in taken:
                taken.add(ref)
                pending.append(schemas[ref])
    sources = [(f"{m} {p}", op.get("parameters", [])) for m, p, op in _operations(spec)]
    sources += [(name, schemas[name]) for name in sorted(taken)]
    for where, schema in sources:
        for place, number in _numbers(schema, where):
            bounded_below = "minimum" in number or "exclusiveMinimum" in number
            bounded_above = "maximum" in number or "exclusiveMaximum" in number
            assert bounded_below and bounded_above, place


def _strings(schema: Any, components: dict[str, Any], seen: set[str]) -> Iterator[dict[str, Any]]:
    if isinstance(schema, list):
        for item in schema:
            yield from _strings(item, components, seen)
    elif isinstance(schema, dict):
        name = schema.get("$ref", "").rpartition("/")[2]
        if name and name not in seen:
            seen.add(name)
            yield from _strings(components[name], components, seen)
        if schema.get("type") == "string":
            yield schema
        for value in schema.values():
            yield from _strings(value, components, seen)


async def test_every_text_a_request_carries_says_what_it_refuses(spec: dict[str, Any]) -> None:
    """At least NUL, which no text column stores: a pattern (or a closed set of values) on every string."""
    components = spec["components"]["schemas"]
    for method, path, operation in _operations(spec):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for text in _strings([operation.get("parameters", []), body], components, set()):
            assert {"pattern", "enum", "const", "format"} & text.keys(), (method, path, text)


async def test_json_types_are_taken_as_json_types_them(http: httpx.AsyncClient, operator: TestUser) -> None:
    """The document says integer and boolean: text or 0/1 is refused, 5.0 is the integer 5."""
    as_text = await http.post(
        "/api/v1/titles?wait=false", json={"topic": "露营", "count": "5"}, headers=operator.headers
    )
    assert as_text.status_code == 422 and as_text.json()["errors"][0]["field"] == "count", as_text.text
    rule = await http.put("/api/v1/viral-rules", json={"auto_schedule": 0}, headers=operator.headers)
    assert rule.status_code == 422 and rule.json()["errors"][0]["field"] == "auto_schedule", rule.text
    whole = await http.post(
        "/api/v1/titles?wait=false",
        json={"topic": "露营", "count": 5.0},
        headers={**operator.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert whole.status_code == 202, whole.text


async def test_text_is_trimmed_as_its_pattern_says(spec: dict[str, Any]) -> None:
    keyword = spec["components"]["schemas"]["TitleRequest"]["properties"]["keywords"]["items"]
    for value, valid in [
        ("修护", True),
        (" 修护 ", True),
        ("\u3000", False),
        (" ", False),
        ("x" * 21, False),
    ]:
        assert bool(re.fullmatch(keyword["pattern"], value)) is valid, value


async def test_the_login_form_says_its_fields_cannot_be_empty(
    http: httpx.AsyncClient, spec: dict[str, Any]
) -> None:
    body = spec["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    ref = body["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[1]
    form = spec["components"]["schemas"][ref]["properties"]
    assert form["username"]["minLength"] == form["password"]["minLength"] == 1
    empty = await http.post("/api/v1/auth/token", data={"username": "", "password": "x"})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "username"


async def test_the_codec_names_the_one_namespace_it_serves(spec: dict[str, Any]) -> None:
    for path in ("/api/v1/codec/decode", "/api/v1/codec/encode", "/api/v1/codec/session"):
        header = next(p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "x-namespace")
        assert header["schema"] == {"type": "string", "enum": ["default"]}


async def test_a_wrong_method_on_a_fixed_path_lists_only_its_own_methods(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    """`/accounts/bind` is the bind resource, not an account named "bind" (OpenAPI matches it first)."""
    response = await http.options("/api/v1/douyin/accounts/bind", headers=operator.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_an_item_id_is_one_word_as_the_document_spells_white_space(
    http: httpx.AsyncClient, operator: TestUser, spec: dict[str, Any]
) -> None:
    """U+0085 is not white space to a JSON Schema pattern: the server must read the pattern the same way."""
    pattern = spec["components"]["schemas"]["ResolvePublished"]["properties"]["item_id"]["pattern"]
    for item_id, valid in [("7301234567890", True), ("a\x85b", True), ("a b", False), ("a\u3000b", False)]:
        assert bool(re.fullmatch(pattern, item_id)) is valid
        response = await http.post(
            "/api/v1/publish/nope/resolve",
            json={"outcome": "published", "item_id": item_id},
            headers=operator.headers,
        )
        assert response.status_code == (404 if valid else 422), (item_id, response.text)
