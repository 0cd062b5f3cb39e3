"""An Idempotency-Key names one request: sent again with it, the same answer; sent with another, a 409."""

from __future__ import annotations

import uuid

import httpx

from tests.support.auth import TestUser


def _keyed(user: TestUser, key: str) -> dict[str, str]:
    return {**user.headers, "Idempotency-Key": key}


async def test_the_same_request_with_the_same_key_answers_the_first_result(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    key = uuid.uuid4().hex
    body = {"topic": "办公室午餐便当", "count": 3}
    first = await http.post("/api/v1/titles", json=body, headers=_keyed(operator, key))
    again = await http.post(
        "/api/v1/titles", json={"count": 3, "topic": "办公室午餐便当"}, headers=_keyed(operator, key)
    )
    assert first.status_code == again.status_code == 200, again.text
    assert again.json()["content_id"] == first.json()["content_id"]


async def test_a_key_sent_with_another_body_is_refused_not_answered_with_the_first_result(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    key = uuid.uuid4().hex
    first = await http.post("/api/v1/titles", json={"topic": "办公室午餐便当"}, headers=_keyed(operator, key))
    other = await http.post("/api/v1/titles", json={"topic": "周末徒步路线"}, headers=_keyed(operator, key))
    assert first.status_code == 200, first.text
    assert other.status_code == 409, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    assert "already used for another request" in other.json()["detail"]


async def test_a_key_is_its_senders_own(http: httpx.AsyncClient, operator: TestUser, admin: TestUser) -> None:
    """Another user of the tenant sending the same key and body does not receive the first user's run."""
    key = uuid.uuid4().hex
    body = {"topic": "阳台种菜入门"}
    mine = await http.post("/api/v1/titles?wait=false", json=body, headers=_keyed(operator, key))
    theirs = await http.post("/api/v1/titles?wait=false", json=body, headers=_keyed(admin, key))
    assert mine.status_code == 202, mine.text
    assert theirs.status_code == 409 and theirs.json()["code"] == "idempotency_key_reused", theirs.text


async def test_an_edit_key_sent_with_another_edit_is_refused(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    created = await http.post("/api/v1/titles", json={"topic": "新手养猫清单"}, headers=operator.headers)
    path = f"/api/v1/contents/{created.json()['content_id']}"
    key = uuid.uuid4().hex
    edit = await http.patch(
        path, json={"title": "新手养猫：第一周清单", "base_version": 1}, headers=_keyed(operator, key)
    )
    retry = await http.patch(
        path, json={"title": "新手养猫：第一周清单", "base_version": 1}, headers=_keyed(operator, key)
    )
    other = await http.patch(
        path, json={"title": "另一个标题", "base_version": 1}, headers=_keyed(operator, key)
    )
    assert edit.status_code == retry.status_code == 200, retry.text
    assert retry.json()["version"] == edit.json()["version"] == 2, "the retry was not applied twice"
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused", other.text


async def test_a_retried_edit_that_named_no_version_is_applied_once(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    """Its first run moved the content to version 2; the retry must find that run, not edit version 2."""
    created = await http.post("/api/v1/titles", json={"topic": "周末露台花园"}, headers=operator.headers)
    path = f"/api/v1/contents/{created.json()['content_id']}"
    key = uuid.uuid4().hex
    edit = await http.patch(path, json={"title": "露台花园：周末两小时"}, headers=_keyed(operator, key))
    retry = await http.patch(path, json={"title": "露台花园：周末两小时"}, headers=_keyed(operator, key))
    assert edit.status_code == retry.status_code == 200, retry.text
    assert retry.json()["version"] == edit.json()["version"] == 2
    versions = await http.get(f"{path}/versions", headers=operator.headers)
    assert [v["version"] for v in versions.json()] == [1, 2], versions.text


async def test_a_key_that_is_not_a_plain_id_is_refused_as_invalid(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    response = await http.post(
        "/api/v1/titles", json={"topic": "露营"}, headers=_keyed(operator, "no spaces allowed here")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "idempotency-key"
