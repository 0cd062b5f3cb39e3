"""The deal material library through the real BFF: permissions per role and membership, kinds, versions,
documents, expiry, search and tenant isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.auth import TestUser, user_with_token
from tests.support.materials import customer, document, docx, library, material, member


@pytest.fixture(scope="module")
async def agent(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    return await user_with_token(http, sessionmaker, "acme", "mia-agent", "agent")


@pytest.fixture(scope="module")
async def outsider(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    """An operator of the tenant who is in no library."""
    return await user_with_token(http, sessionmaker, "acme", "otto-outsider", "operator")


async def test_permissions_follow_membership_on_top_of_tenant_roles(
    http: httpx.AsyncClient,
    operator: TestUser,
    agent: TestUser,
    outsider: TestUser,
    viewer: TestUser,
    admin: TestUser,
) -> None:
    lib = await library(http, operator)
    assert lib["permission"] == "manager"
    url = f"/api/v1/material-libraries/{lib['id']}"
    created = await material(http, operator, lib["id"])

    # Not a member: nothing of the library is visible or writable.
    assert (await http.get(url, headers=outsider.headers)).status_code == 403
    listed = (await http.get("/api/v1/material-libraries", headers=outsider.headers)).json()
    assert lib["id"] not in [x["id"] for x in listed]
    assert (await http.get(f"/api/v1/materials/{created['id']}", headers=outsider.headers)).status_code == 403
    everything = (await http.get("/api/v1/materials", headers=outsider.headers)).json()
    assert created["id"] not in [m["id"] for m in everything["items"]]

    # A viewer reads but adds nothing; a contributor adds and versions but does not delete.
    await member(http, operator, lib["id"], agent, "viewer")
    assert (await http.get(f"/api/v1/materials/{created['id']}", headers=agent.headers)).status_code == 200
    denied = await http.post(
        "/api/v1/materials",
        json={"library_id": lib["id"], "kind": "faq", "title": "新问题", "text": "答案"},
        headers=agent.headers,
    )
    assert denied.status_code == 403 and "contributor" in denied.json()["detail"]
    await member(http, operator, lib["id"], agent, "contributor")
    version = await http.post(
        f"/api/v1/materials/{created['id']}/versions",
        json={"text": "整机保修两年。", "note": "新政策"},
        headers=agent.headers,
    )
    assert version.status_code == 201 and version.json()["current_version"]["number"] == 2
    assert (await http.delete(f"/api/v1/materials/{created['id']}", headers=agent.headers)).status_code == 403
    assert (await http.put(f"{url}/members", json={"user_id": outsider.user_id, "permission": "viewer"},
                           headers=agent.headers)).status_code == 403  # fmt: skip

    # The tenant's read-only role never writes, whatever the library says.
    await member(http, operator, lib["id"], viewer, "manager")
    assert (await http.get(url, headers=viewer.headers)).json()["permission"] == "viewer"
    assert (await http.patch(url, json={"name": "改名"}, headers=viewer.headers)).status_code == 403

    # A tenant admin manages every library without being a member.
    assert (await http.get(url, headers=admin.headers)).json()["permission"] == "manager"
    members = (await http.get(f"{url}/members", headers=admin.headers)).json()
    assert {m["username"]: m["permission"] for m in members} == {
        "olivia": "manager",
        "mia-agent": "contributor",
        "victor": "manager",
    }
    assert (await http.delete(f"/api/v1/materials/{created['id']}", headers=admin.headers)).status_code == 204
    assert (await http.delete(f"{url}/members/{agent.user_id}", headers=operator.headers)).status_code == 204
    assert (await http.get(url, headers=agent.headers)).status_code == 403


async def test_kinds_documents_and_versions(http: httpx.AsyncClient, operator: TestUser) -> None:
    lib = await library(http, operator)
    sheet = await material(
        http,
        operator,
        lib["id"],
        kind="price_sheet",
        title="2026 冬季价目表",
        text=None,
        document=document("价目表.docx", docx("意式浓缩咖啡机 3999 元", "磨豆机 899 元")),
    )
    current = sheet["current_version"]
    assert (current["file_name"], current["text_extracted"], current["has_file"]) == (
        "价目表.docx",
        True,
        True,
    )
    found = await http.get("/api/v1/materials", params={"q": "磨豆机价格", "library_id": lib["id"]},
                           headers=operator.headers)  # fmt: skip
    assert [m["id"] for m in found.json()["items"]][:1] == [sheet["id"]]

    again = await http.post(
        f"/api/v1/materials/{sheet['id']}/versions",
        json={"document": document("价目表.txt", "意式浓缩咖啡机 3599 元".encode()), "note": "降价"},
        headers=operator.headers,
    )
    assert again.status_code == 201, again.text
    versions = (await http.get(f"/api/v1/materials/{sheet['id']}/versions", headers=operator.headers)).json()
    assert [(v["number"], v["note"]) for v in versions] == [(2, "降价"), (1, "")]
    file = await http.get(f"/api/v1/materials/{sheet['id']}/file", headers=operator.headers)
    assert file.status_code == 200 and file.content.decode() == "意式浓缩咖啡机 3599 元"
    old = await http.get(
        f"/api/v1/materials/{sheet['id']}/file", params={"version": 1}, headers=operator.headers
    )
    assert old.content.startswith(b"PK")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"kind": "image", "text": "不是图片"}, "asset_id"),
        ({"kind": "faq", "text": None}, "text"),
        (
            {"kind": "document", "text": None, "document": {"file_name": "a.exe", "content_base64": "AAAA"}},
            "file_name",
        ),
        (
            {"kind": "document", "text": None, "document": {"file_name": "a.pdf", "content_base64": "!!!!"}},
            "content_base64",
        ),
        ({"kind": "document", "text": None, "document": document("a.docx", b"not a zip")}, "docx"),
        ({"kind": "image", "text": None, "asset_id": "no-such-asset"}, "asset_id"),
        ({"kind": "faq", "douyin_item_id": "@abc"}, "douyin_item_id"),
        ({"expires_at": "2026-13-01T00:00:00Z"}, "expires_at"),
    ],
)
async def test_bad_materials_are_refused_naming_the_field(
    http: httpx.AsyncClient, operator: TestUser, body: dict[str, object], named: str
) -> None:
    lib = await library(http, operator)
    sent = {"library_id": lib["id"], "kind": "faq", "title": "标题", "text": "内容"} | body
    response = await http.post("/api/v1/materials", json=sent, headers=operator.headers)
    assert response.status_code == 422, response.text
    assert named in response.text


async def test_an_expired_material_is_never_shared(
    http: httpx.AsyncClient, operator: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lib = await library(http, operator)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    sheet = await material(http, operator, lib["id"], kind="price_sheet", title="秋季价目表", expires_at=past)
    assert sheet["expired"] is True
    buyer = await customer(sessionmaker, operator.tenant_id)
    refused = await http.post(f"/api/v1/materials/{sheet['id']}/share", json={"customer_id": buyer},
                              headers=operator.headers)  # fmt: skip
    assert refused.status_code == 409 and refused.json()["code"] == "material_not_sendable"
    assert "expired" in refused.json()["detail"]
    expired = (await http.get("/api/v1/materials", params={"library_id": lib["id"], "expired": True},
                              headers=operator.headers)).json()  # fmt: skip
    assert [m["id"] for m in expired["items"]] == [sheet["id"]]
    fresh = (await http.get("/api/v1/materials", params={"library_id": lib["id"], "expired": False},
                            headers=operator.headers)).json()  # fmt: skip
    assert fresh["items"] == []
    # Extended, it may be shared again; archived, it may not.
    renewed = await http.patch(
        f"/api/v1/materials/{sheet['id']}", json={"expires_at": None}, headers=operator.headers
    )
    assert renewed.json()["expired"] is False
    shared = await http.post(f"/api/v1/materials/{sheet['id']}/share", json={"customer_id": buyer},
                             headers=operator.headers)  # fmt: skip
    assert shared.status_code == 201
    await http.patch(f"/api/v1/materials/{sheet['id']}", json={"archived": True}, headers=operator.headers)
    again = await http.post(f"/api/v1/materials/{sheet['id']}/share", json={"customer_id": buyer},
                            headers=operator.headers)  # fmt: skip
    assert again.status_code == 409


async def test_filters_by_kind_and_tag(http: httpx.AsyncClient, operator: TestUser) -> None:
    lib = await library(http, operator)
    faq = await material(http, operator, lib["id"], tags=["售后", "保修"])
    case = await material(
        http, operator, lib["id"], kind="case_study", title="某连锁咖啡店案例", tags=["案例"]
    )
    params = {"library_id": lib["id"]}
    by_kind = (
        await http.get("/api/v1/materials", params=params | {"kind": "case_study"}, headers=operator.headers)
    ).json()
    assert [m["id"] for m in by_kind["items"]] == [case["id"]]
    by_tag = (
        await http.get("/api/v1/materials", params=params | {"tag": "保修"}, headers=operator.headers)
    ).json()
    assert [m["id"] for m in by_tag["items"]] == [faq["id"]]


async def test_tenant_isolation_on_every_route(
    http: httpx.AsyncClient,
    operator: TestUser,
    other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lib = await library(http, operator)
    item = await material(http, operator, lib["id"], title=f"独家资料{uuid.uuid4().hex[:4]}")
    buyer = await customer(sessionmaker, operator.tenant_id)
    link = (await http.post(f"/api/v1/materials/{item['id']}/share", json={"customer_id": buyer},
                            headers=operator.headers)).json()  # fmt: skip
    stranger = other_tenant_operator.headers
    lib_url, item_url = f"/api/v1/material-libraries/{lib['id']}", f"/api/v1/materials/{item['id']}"
    for method, url, body in [
        ("GET", lib_url, None),
        ("PATCH", lib_url, {"name": "x"}),
        ("DELETE", lib_url, None),
        ("GET", f"{lib_url}/members", None),
        ("PUT", f"{lib_url}/members", {"user_id": other_tenant_operator.user_id, "permission": "manager"}),
        ("DELETE", f"{lib_url}/members/{operator.user_id}", None),
        ("GET", item_url, None),
        ("PATCH", item_url, {"title": "x"}),
        ("DELETE", item_url, None),
        ("GET", f"{item_url}/versions", None),
        ("POST", f"{item_url}/versions", {"text": "x"}),
        ("GET", f"{item_url}/file", None),
        ("POST", f"{item_url}/share", {"customer_id": buyer}),
        ("GET", f"{item_url}/shares", None),
        ("GET", f"/api/v1/material-share-links/{link['id']}", None),
    ]:
        response = await http.request(method, url, json=body, headers=stranger)
        assert response.status_code == 404, (method, url, response.text)
    listed = (await http.get("/api/v1/materials", params={"q": item["title"]}, headers=stranger)).json()
    assert listed["items"] == []
    assert (
        await http.get("/api/v1/materials", params={"library_id": lib["id"]}, headers=stranger)
    ).status_code == 404
    libraries = (await http.get("/api/v1/material-libraries", headers=stranger)).json()
    assert lib["id"] not in [x["id"] for x in libraries]
    into = await http.post(
        "/api/v1/materials",
        json={"library_id": lib["id"], "kind": "faq", "title": "t", "text": "x"},
        headers=stranger,
    )
    assert into.status_code == 404
    # Sharing with another tenant's customer is refused too.
    their_lib = await library(http, other_tenant_operator)
    theirs = await material(http, other_tenant_operator, their_lib["id"])
    cross = await http.post(
        f"/api/v1/materials/{theirs['id']}/share", json={"customer_id": buyer}, headers=stranger
    )
    assert cross.status_code == 422 and "customer_id" in cross.text
