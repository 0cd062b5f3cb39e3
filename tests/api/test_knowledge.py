"""The knowledge base through the real BFF: CRUD, optimistic edits, search, limits and tenant isolation."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.auth import TestUser


def entry(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "question": "线下门店在哪里？",
        "variants": ["门店地址", "实体店位置"],
        "answer": "杭州市西湖区文三路 123 号。",
        "tags": ["门店"],
    }
    return body | changes


async def create(
    http: httpx.AsyncClient, user: TestUser, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post("/api/v1/knowledge", json=body or entry(), headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_read_edit_and_delete(http: httpx.AsyncClient, operator: TestUser) -> None:
    created = await create(http, operator)
    assert (created["version"], created["enabled"], created["variants"]) == (
        1,
        True,
        ["门店地址", "实体店位置"],
    )
    url = f"/api/v1/knowledge/{created['id']}"

    edited = await http.patch(
        url, json={"answer": "搬到了文二路 8 号。", "base_version": 1}, headers=operator.headers
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["version"], edited.json()["answer"]) == (2, "搬到了文二路 8 号。")
    assert edited.json()["question"] == "线下门店在哪里？"
    stale = await http.patch(url, json={"enabled": False, "base_version": 1}, headers=operator.headers)
    assert stale.status_code == 409
    disabled = await http.patch(url, json={"enabled": False}, headers=operator.headers)
    assert (disabled.json()["version"], disabled.json()["enabled"]) == (3, False)

    assert (await http.get(url, headers=operator.headers)).json()["version"] == 3
    assert (await http.delete(url, headers=operator.headers)).status_code == 204
    assert (await http.get(url, headers=operator.headers)).status_code == 404


async def test_list_filters_by_tag_and_ranks_by_q(http: httpx.AsyncClient, operator: TestUser) -> None:
    store = await create(http, operator, entry(tags=["门店", "kb-test"]))
    price = await create(
        http,
        operator,
        entry(question="咖啡豆多少钱一包？", variants=["豆子怎么卖"], answer="68 元起。", tags=["kb-test"]),
    )
    tagged = (await http.get("/api/v1/knowledge", params={"tag": "kb-test"}, headers=operator.headers)).json()
    assert [e["id"] for e in tagged["items"]] == [store["id"], price["id"]] and tagged["total"] == 2
    found = (
        await http.get(
            "/api/v1/knowledge", params={"tag": "kb-test", "q": "豆子啥价"}, headers=operator.headers
        )
    ).json()
    assert found["items"][0]["id"] == price["id"] and found["items"][0]["score"] > 0.5


async def test_limits_are_checked_at_the_edge(http: httpx.AsyncClient, operator: TestUser) -> None:
    cases = [
        entry(question=""),
        entry(question="问" * 201),
        entry(answer="  "),
        entry(answer="答" * 2001),
        entry(variants=[f"说法{i}" for i in range(21)]),
        entry(tags=[f"标签{i}" for i in range(11)]),
        entry(tags=["签" * 21]),
        entry(answer="地址\x00在这"),
        entry(variants=["门店\x00地址"]),
        entry(enabled="yes"),
        entry(brand_id="no-such-brand"),
        entry(unknown=1),
    ]
    for body in cases:
        response = await http.post("/api/v1/knowledge", json=body, headers=operator.headers)
        assert response.status_code == 422, (body, response.text)
    created = await create(http, operator)
    empty = await http.patch(
        f"/api/v1/knowledge/{created['id']}", json={"base_version": 1}, headers=operator.headers
    )
    assert empty.status_code == 422
    schema = (await http.get("/openapi.json")).json()["components"]["schemas"]["KnowledgeEntryIn"]
    assert schema["properties"]["variants"]["maxItems"] == 20


async def test_an_entry_is_invisible_to_other_tenants(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser
) -> None:
    created = await create(http, operator)
    url, other = f"/api/v1/knowledge/{created['id']}", other_tenant_operator.headers
    assert (await http.get(url, headers=other)).status_code == 404
    assert (await http.patch(url, json={"enabled": False}, headers=other)).status_code == 404
    assert (await http.delete(url, headers=other)).status_code == 404
    listed = (await http.get("/api/v1/knowledge", params={"q": "门店在哪"}, headers=other)).json()
    assert created["id"] not in [e["id"] for e in listed["items"]]
    assert (await http.get(url, headers=operator.headers)).json()["enabled"] is True


async def test_a_viewer_reads_but_does_not_write(
    http: httpx.AsyncClient, operator: TestUser, viewer: TestUser
) -> None:
    created = await create(http, operator)
    url = f"/api/v1/knowledge/{created['id']}"
    assert (await http.get(url, headers=viewer.headers)).status_code == 200
    assert (await http.post("/api/v1/knowledge", json=entry(), headers=viewer.headers)).status_code == 403
    assert (await http.patch(url, json={"enabled": False}, headers=viewer.headers)).status_code == 403
    assert (await http.delete(url, headers=viewer.headers)).status_code == 403


async def test_a_patch_needs_a_value_to_change_and_a_null_brand_detaches_it(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    created = await create(http, operator)
    url = f"/api/v1/knowledge/{created['id']}"

    only_null = await http.patch(url, json={"enabled": None}, headers=operator.headers)
    detached = await http.patch(url, json={"brand_id": None}, headers=operator.headers)

    assert only_null.status_code == 422 and "nothing to change" in only_null.text
    assert detached.status_code == 200 and detached.json()["brand_id"] is None, detached.text
