"""Listing, reading and editing contents: versions are kept, stale edits are refused."""

from __future__ import annotations

import httpx
import pytest

from tests.support.auth import TestUser


@pytest.fixture
async def titles_content(http: httpx.AsyncClient, operator: TestUser) -> dict:
    response = await http.post(
        "/api/v1/titles", json={"topic": "小户型收纳技巧", "count": 3}, headers=operator.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_edit_creates_a_version_and_keeps_history(
    http: httpx.AsyncClient, operator: TestUser, titles_content: dict
) -> None:
    content_id = titles_content["content_id"]
    candidates = titles_content["candidates"]
    edited = [{**candidates[0], "text": "小户型收纳：5个技巧多出一间房", "length": 15}]
    response = await http.patch(
        f"/api/v1/contents/{content_id}",
        json={"title": "小户型收纳：5个技巧多出一间房", "body": {"candidates": edited}, "base_version": 1},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    content = response.json()
    assert content["version"] == 2
    assert content["title"] == "小户型收纳：5个技巧多出一间房"
    assert content["body"]["candidates"] == edited
    assert content["body"]["request"]["topic"] == "小户型收纳技巧", "the original brief is kept"

    versions = (await http.get(f"/api/v1/contents/{content_id}/versions", headers=operator.headers)).json()
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["change"] for v in versions] == ["generated", "edited"]
    assert len(versions[0]["body"]["candidates"]) == 3

    audit = (await http.get(f"/api/v1/contents/{content_id}/audit", headers=operator.headers)).json()
    assert [e["action"] for e in audit] == ["content.generated", "content.edited"]
    assert all(e["actor_id"] == operator.user_id for e in audit)


async def test_stale_edit_is_refused_and_changes_nothing(
    http: httpx.AsyncClient, operator: TestUser, titles_content: dict
) -> None:
    content_id = titles_content["content_id"]
    first = await http.patch(
        f"/api/v1/contents/{content_id}",
        json={"title": "新标题一", "base_version": 1},
        headers=operator.headers,
    )
    assert first.status_code == 200
    stale = await http.patch(
        f"/api/v1/contents/{content_id}",
        json={"title": "新标题二", "base_version": 1},
        headers=operator.headers,
    )
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]
    content = (await http.get(f"/api/v1/contents/{content_id}", headers=operator.headers)).json()
    assert content["title"] == "新标题一"
    assert content["version"] == 2


async def test_edit_is_compliance_checked(
    http: httpx.AsyncClient, operator: TestUser, titles_content: dict
) -> None:
    response = await http.patch(
        f"/api/v1/contents/{titles_content['content_id']}",
        json={"title": "全网最好用的收纳盒，加微信领取"},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    compliance = response.json()["compliance"]
    assert compliance["passed"] is False
    categories = {f["category"] for f in compliance["findings"]}
    assert {"absolute_claim", "diversion"} <= categories


async def test_status_change_and_filters(
    http: httpx.AsyncClient, operator: TestUser, titles_content: dict
) -> None:
    content_id = titles_content["content_id"]
    response = await http.patch(
        f"/api/v1/contents/{content_id}", json={"status": "ready"}, headers=operator.headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["version"] == 1, "a status change is not a new text version"
    ready = (await http.get("/api/v1/contents?status=ready&limit=200", headers=operator.headers)).json()
    assert content_id in {item["id"] for item in ready["items"]}
    drafts = (await http.get("/api/v1/contents?status=draft&limit=200", headers=operator.headers)).json()
    assert content_id not in {item["id"] for item in drafts["items"]}
    scripts = (
        await http.get("/api/v1/contents?kind=video_script&limit=200", headers=operator.headers)
    ).json()
    assert all(item["kind"] == "video_script" for item in scripts["items"])


async def test_body_that_does_not_fit_the_kind_is_refused(
    http: httpx.AsyncClient, operator: TestUser, titles_content: dict
) -> None:
    response = await http.patch(
        f"/api/v1/contents/{titles_content['content_id']}",
        json={"body": {"shots": []}},
        headers=operator.headers,
    )
    # A body is free-form in the document; it is the content's kind (what the path names) it must fit.
    assert response.status_code == 409, response.text
    assert "candidates" in response.json()["detail"]


async def test_viewer_reads_but_cannot_edit_or_generate(
    http: httpx.AsyncClient, viewer: TestUser, titles_content: dict
) -> None:
    content_id = titles_content["content_id"]
    assert (await http.get(f"/api/v1/contents/{content_id}", headers=viewer.headers)).status_code == 200
    edit = await http.patch(f"/api/v1/contents/{content_id}", json={"title": "x"}, headers=viewer.headers)
    assert edit.status_code == 403
    generate = await http.post("/api/v1/titles", json={"topic": "任何主题"}, headers=viewer.headers)
    assert generate.status_code == 403
