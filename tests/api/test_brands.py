"""Brand profiles through the real BFF: CRUD, versions, tenant isolation, and generations written with one."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.auth import TestUser

AVOID = ["最便宜", "秒杀", "神器"]


def profile(name: str = "暖阳小家电", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "industry": "小家电",
        "products": [
            {
                "name": "速热杯",
                "selling_points": ["30秒速热到55度", "一键恒温一整天"],
                "proof": ["3C认证", "累计售出12万只"],
            }
        ],
        "proof": ["ISO9001质量体系认证"],
        "price_range": "99-159元",
        "audiences": ["上班族"],
        "tone": "亲切",
        "avoid_words": AVOID,
        "prefer_words": ["暖心", "省心"],
        "call_to_action": "戳主页领新人券",
    }
    return body | changes


async def create(
    http: httpx.AsyncClient, user: TestUser, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post("/api/v1/brands", json=body or profile(), headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_updates_make_versions_and_delete_archives(http: httpx.AsyncClient, operator: TestUser) -> None:
    brand = await create(http, operator)
    assert brand["version"] == 1 and brand["profile"]["name"] == "暖阳小家电"
    updated = await http.put(
        f"/api/v1/brands/{brand['id']}",
        json=profile(call_to_action="点击购物车下单"),
        headers=operator.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2

    current = (await http.get(f"/api/v1/brands/{brand['id']}", headers=operator.headers)).json()
    assert (current["version"], current["profile"]["call_to_action"]) == (2, "点击购物车下单")
    versions = (await http.get(f"/api/v1/brands/{brand['id']}/versions", headers=operator.headers)).json()
    assert [(v["version"], v["profile"]["call_to_action"]) for v in versions] == [
        (1, "戳主页领新人券"),
        (2, "点击购物车下单"),
    ]

    assert (await http.delete(f"/api/v1/brands/{brand['id']}", headers=operator.headers)).status_code == 204
    listed = (await http.get("/api/v1/brands", headers=operator.headers)).json()
    assert brand["id"] not in [b["id"] for b in listed["items"]]
    archived = (await http.get(f"/api/v1/brands/{brand['id']}", headers=operator.headers)).json()
    assert archived["archived"] is True
    again = await http.put(f"/api/v1/brands/{brand['id']}", json=profile(), headers=operator.headers)
    assert again.status_code == 409
    generation = await http.post(
        "/api/v1/titles", json={"topic": "冬天喝热水", "brand_id": brand["id"]}, headers=operator.headers
    )
    assert generation.status_code == 422 and "archived" in generation.json()["detail"]


async def test_limits_are_checked_at_the_edge(http: httpx.AsyncClient, operator: TestUser) -> None:
    cases = [
        profile(name=""),
        profile(name="名" * 41),
        profile(avoid_words=[f"词{i}" for i in range(51)]),
        profile(avoid_words=["暖阳"]),  # the brand's own name
        profile(products=[{"name": "杯", "selling_points": ["x" * 61]}]),
        profile(account_ids=["no-such-account"]),
        profile(unknown_field=1),
        profile(call_to_action="戳主页\x00领券"),  # no database text column stores NUL
        profile(products=[{"name": "杯", "proof": ["3C\x00认证"]}]),
    ]
    for body in cases:
        response = await http.post("/api/v1/brands", json=body, headers=operator.headers)
        assert response.status_code == 422, (body, response.text)
    schema = (await http.get("/openapi.json")).json()["components"]["schemas"]["BrandProfile"]
    assert schema["properties"]["avoid_words"]["maxItems"] == 50


async def test_a_brand_is_invisible_to_other_tenants(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser
) -> None:
    brand = await create(http, operator)
    other = other_tenant_operator.headers
    assert (await http.get(f"/api/v1/brands/{brand['id']}", headers=other)).status_code == 404
    assert (await http.put(f"/api/v1/brands/{brand['id']}", json=profile(), headers=other)).status_code == 404
    assert (await http.delete(f"/api/v1/brands/{brand['id']}", headers=other)).status_code == 404
    assert brand["id"] not in [
        b["id"] for b in (await http.get("/api/v1/brands", headers=other)).json()["items"]
    ]
    generation = await http.post(
        "/api/v1/titles", json={"topic": "冬天喝热水", "brand_id": brand["id"]}, headers=other
    )
    assert generation.status_code == 404


async def test_a_viewer_reads_but_does_not_write(
    http: httpx.AsyncClient, operator: TestUser, viewer: TestUser
) -> None:
    brand = await create(http, operator)
    assert (await http.get(f"/api/v1/brands/{brand['id']}", headers=viewer.headers)).status_code == 200
    assert (await http.post("/api/v1/brands", json=profile(), headers=viewer.headers)).status_code == 403


def _assert_branded(text: str) -> None:
    for fact in ("暖阳小家电", "速热杯", "30秒速热到55度", "戳主页领新人券"):
        assert fact in text, (fact, text)
    assert not any(word in text for word in AVOID), text


async def test_a_copy_is_written_with_the_brand(http: httpx.AsyncClient, operator: TestUser) -> None:
    brand = await create(http, operator)
    response = await http.post(
        "/api/v1/copywriting",
        # The topic itself carries an avoid-word: the brand still never says it.
        json={
            "topic": "办公室暖手神器",
            "platforms": ["douyin", "xiaohongshu"],
            "brand_id": brand["id"],
            "product": "速热杯",
        },
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    for copy in response.json()["copies"]:
        text = copy["title"] + copy["body"] + "".join(copy["hashtags"])
        _assert_branded(text)
        assert "3C认证" in text and "暖心" in text
    content = (
        await http.get(f"/api/v1/contents/{response.json()['content_id']}", headers=operator.headers)
    ).json()
    assert (content["brand_id"], content["brand_version"]) == (brand["id"], 1)


async def test_every_generation_kind_uses_the_brand(http: httpx.AsyncClient, operator: TestUser) -> None:
    brand = await create(http, operator)
    request = {"topic": "冬天喝热水", "brand_id": brand["id"], "product": "速热杯"}
    titles = await http.post("/api/v1/titles", json=request, headers=operator.headers)
    assert titles.status_code == 200, titles.text
    assert "暖阳小家电速热杯" in titles.json()["candidates"][0]["text"]
    post = await http.post("/api/v1/image-posts", json=request | {"image_count": 2}, headers=operator.headers)
    assert post.status_code == 200, post.text
    _assert_branded(post.json()["post"]["title"] + post.json()["post"]["body"])
    script = await http.post(
        "/api/v1/video-scripts", json=request | {"script_type": "product_seeding"}, headers=operator.headers
    )
    assert script.status_code == 200, script.text
    body = script.json()["script"]
    lines = (
        body["title"]
        + "".join(s["line"] + s["on_screen_text"] for s in body["shots"])
        + body["call_to_action"]
    )
    _assert_branded(lines)
    content = (
        await http.get(f"/api/v1/contents/{script.json()['content_id']}", headers=operator.headers)
    ).json()
    assert content["brand_version"] == 1


async def test_an_unknown_product_is_refused(http: httpx.AsyncClient, operator: TestUser) -> None:
    brand = await create(http, operator)
    response = await http.post(
        "/api/v1/titles",
        json={"topic": "冬天喝热水", "brand_id": brand["id"], "product": "电饭煲"},
        headers=operator.headers,
    )
    assert response.status_code == 422 and "速热杯" in response.json()["detail"]


async def test_without_a_brand_nothing_changes(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/copywriting",
        json={"topic": "办公室暖手神器", "platforms": ["douyin"]},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    assert "暖阳小家电" not in response.json()["copies"][0]["body"]
    content = (
        await http.get(f"/api/v1/contents/{response.json()['content_id']}", headers=operator.headers)
    ).json()
    assert (content["brand_id"], content["brand_version"]) == (None, None)
