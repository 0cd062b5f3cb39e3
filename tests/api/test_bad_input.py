"""User input never causes a 500: each mistake gets a 4xx that says what to fix."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from douflow.settings import Settings
from tests.support.auth import TestUser


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/titles", {"topic": ""}, "topic"),
        ("/api/v1/titles", {"topic": "  "}, "topic"),
        ("/api/v1/titles", {"topic": "长" * 201}, "topic"),
        ("/api/v1/titles", {"topic": "露营", "platform": "tiktok"}, "platform"),
        ("/api/v1/titles", {"topic": "露营", "count": 0}, "count"),
        ("/api/v1/titles", {"topic": "露营", "count": 21}, "count"),
        ("/api/v1/titles", {"topic": "露营", "keywords": ["x"] * 11}, "keywords"),
        ("/api/v1/titles", {"topic": "露营", "surprise": 1}, "surprise"),
        ("/api/v1/titles", {}, "topic"),
        ("/api/v1/copywriting", {"topic": "露营", "platforms": []}, "platforms"),
        ("/api/v1/copywriting", {"topic": "露营", "platforms": ["douyin", "myspace"]}, "platforms"),
        ("/api/v1/image-posts", {"topic": "露营", "image_count": 10}, "image_count"),
        ("/api/v1/video-scripts", {"topic": "露营", "script_type": "opera"}, "script_type"),
        ("/api/v1/video-scripts", {"topic": "露营", "duration_seconds": 5}, "duration_seconds"),
        ("/api/v1/video-scripts", {"topic": "露营", "duration_seconds": "long"}, "duration_seconds"),
    ],
)
async def test_invalid_generation_requests(
    http: httpx.AsyncClient, operator: TestUser, path: str, body: dict, field: str
) -> None:
    response = await http.post(path, json=body, headers=operator.headers)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["code"] == "invalid_request"
    assert any(field in error["field"] for error in payload["errors"]), payload
    assert field in payload["detail"]


async def test_malformed_json_is_a_400_that_says_so(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/titles",
        content='{"topic": "露营",'.encode(),
        headers={**operator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json() == {"detail": "request body is not valid JSON", "code": "invalid_json"}


async def test_unknown_ids_and_empty_patch(http: httpx.AsyncClient, operator: TestUser) -> None:
    missing = await http.get("/api/v1/contents/does-not-exist", headers=operator.headers)
    assert missing.status_code == 404
    assert (await http.get("/api/v1/workflows/nope", headers=operator.headers)).status_code == 404
    empty = await http.patch("/api/v1/contents/does-not-exist", json={}, headers=operator.headers)
    assert empty.status_code == 422
    assert "nothing to change" in empty.json()["detail"]


async def test_bad_query_parameters(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.get("/api/v1/contents?limit=0&kind=poem", headers=operator.headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"limit", "kind"} <= fields


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/api/v1/calendar?from=9999-12-31T00:00:00&to=9999-12-31T01:00:00", None, "from"),
        ("GET", "/api/v1/calendar?from=2026-01-01T00:00:00&to=0001-01-02T00:00:00", None, "to"),
        ("POST", "/api/v1/calendar/entries", {"content_id": "c", "account_id": "a", "run_at": "9999-12-31T23:00:00-05:00"}, "run_at"),
        ("POST", "/api/v1/calendar/entries", {"content_id": "c", "account_id": "a", "run_at": "0001-01-01T00:00:00"}, "run_at"),
        ("POST", "/api/v1/calendar/entries", {"content_id": "c", "account_id": "a", "recurrence": {"cron": "0 9 * * *", "end_at": "9999-12-31T23:00:00-05:00"}}, "recurrence.end_at"),
        ("GET", "/api/v1/metrics/summary?to=0001-01-05", None, "to"),
        ("GET", "/api/v1/dashboard?from=9999-12-30&to=9999-12-31", None, "from"),
        ("GET", "/api/v1/metrics/items/abc/series?from=0001-01-01T00:00:00%2B05:00", None, "from"),
    ],
)  # fmt: skip
async def test_dates_beyond_the_supported_years_are_refused(
    http: httpx.AsyncClient, operator: TestUser, method: str, path: str, body: dict | None, field: str
) -> None:
    response = await http.request(method, path, json=body, headers=operator.headers)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert any(error["field"] == field for error in payload["errors"]), payload
    assert "between the years" in payload["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/contents/%00", "/api/v1/publish?content_id=%00", "/api/v1/replications/%00"]
)
async def test_a_nul_byte_in_an_id_is_a_client_error(
    http: httpx.AsyncClient, operator: TestUser, path: str
) -> None:
    """No text column stores NUL (PostgreSQL refuses it): refused as such whatever the database."""
    response = await http.get(path, headers=operator.headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_value"
    assert "0x00" not in response.text and "psycopg" not in response.text, "no database wording leaks"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/titles", {"topic": "露营\x00装备"}),
        ("POST", "/api/v1/titles", {"topic": "露营", "keywords": ["a\x00"]}),
        ("PATCH", "/api/v1/contents/any", {"title": "标题\x00"}),
        ("POST", "/api/v1/users", {"username": "nul", "password": "p" * 8, "role": "viewer", "display_name": "\x00"}),
    ],
)  # fmt: skip
async def test_a_nul_byte_in_body_text_is_refused_before_anything_stores_it(
    http: httpx.AsyncClient, admin: TestUser, method: str, path: str, body: dict
) -> None:
    """A generation would only fail in its workflow (after the BFF answered) on PostgreSQL."""
    response = await http.request(method, path, json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("offset", ["9223372036854775808", "-1", "1000001"])
async def test_integers_beyond_their_bounds_are_a_422(
    http: httpx.AsyncClient, operator: TestUser, offset: str
) -> None:
    response = await http.get(f"/api/v1/contents?offset={offset}", headers=operator.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "offset"


async def test_a_wrong_method_lists_every_method_the_path_answers(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    response = await http.put("/api/v1/calendar/entries/some-entry", headers=operator.headers)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "DELETE, GET, PATCH"


async def test_an_unauthenticated_malformed_body_is_a_401(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/api/v1/titles", content=b'{"topic": "', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def _in_chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body without Content-Length (chunked), so only counting while reading can stop it."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_a_json_body_over_the_limit_is_a_413(
    http: httpx.AsyncClient, operator: TestUser, settings: Settings
) -> None:
    too_big = b'{"topic": "' + b"x" * settings.max_json_body_bytes + b'"}'
    headers = {**operator.headers, "Content-Type": "application/json"}
    declared = await http.post("/api/v1/titles", content=too_big, headers=headers)
    chunked = await http.post("/api/v1/titles", content=_in_chunks(too_big), headers=headers)

    for response in (declared, chunked):
        assert response.status_code == 413, response.text
        assert response.json() == {
            "detail": f"request body too large: this endpoint takes at most {settings.max_json_body_bytes} bytes",
            "code": "payload_too_large",
        }


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/materials/any", {"tags": ["售后"] * 11}, "tags"),
        ("/api/v1/knowledge/any", {"tags": ["营业"] * 11}, "tags"),
        ("/api/v1/knowledge/any", {"variants": ["几点开门"] * 21}, "variants"),
    ],
)
async def test_a_patch_counts_a_lists_items_as_sent(
    http: httpx.AsyncClient, operator: TestUser, path: str, body: dict, field: str
) -> None:
    """The document's maxItems holds for the request, repeats included (they are dropped only after)."""
    response = await http.patch(path, json=body, headers=operator.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]
