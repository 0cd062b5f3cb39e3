"""Tracked share links through the real BFF: the public page a customer opens on a phone, its access code
and throttled guesses, expiry, and each open and download becoming a behaviour event that scoring counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.content.material_shares import GUESSES_PER_IP, GUESSES_PER_LINK, ShareRepository, find_link
from douflow.db.base import utcnow
from douflow.db.material_tables import MaterialShareLink
from douflow.settings import Settings
from tests.support.auth import TestUser
from tests.support.materials import customer, document, library, material


@pytest.fixture
async def phone(bff_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A customer's browser: no login, its own cookies."""
    headers = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148 aweme"}
    async with httpx.AsyncClient(base_url=bff_url, headers=headers, timeout=30) as client:
        yield client


async def share(
    http: httpx.AsyncClient, user: TestUser, material_id: str, customer_id: str, **more: Any
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/materials/{material_id}/share",
        json={"customer_id": customer_id} | more,
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def path_of(link: dict[str, Any]) -> str:
    return urlsplit(link["url"]).path


async def test_open_and_download_are_events_that_raise_the_score(
    http: httpx.AsyncClient,
    phone: httpx.AsyncClient,
    operator: TestUser,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lib = await library(http, operator)
    sheet = await material(
        http, operator, lib["id"], kind="price_sheet", title="门店加盟价目表", text=None,
        document=document("加盟价目.txt", "单店加盟费 9.8 万".encode()),
    )  # fmt: skip
    buyer = await customer(sessionmaker, operator.tenant_id)
    before = (await http.get(f"/api/v1/customers/{buyer}", headers=operator.headers)).json()["score"]
    link = await share(http, operator, sheet["id"], buyer)
    assert link["url"].startswith(settings.public_base_url.rstrip("/") + "/m/")

    page = await phone.get(path_of(link))
    assert page.status_code == 200
    assert 'name="viewport"' in page.text and "门店加盟价目表" in page.text and "下载资料" in page.text
    download = await phone.get(path_of(link) + "/file")
    assert download.status_code == 200 and download.content.decode() == "单店加盟费 9.8 万"
    assert "attachment" in download.headers["content-disposition"]

    seen = (await http.get(f"/api/v1/material-share-links/{link['id']}", headers=operator.headers)).json()
    assert (seen["opens"], seen["downloads"]) == (1, 1)
    assert "iPhone" in seen["events"][0]["user_agent"]
    profile = (await http.get(f"/api/v1/customers/{buyer}", headers=operator.headers)).json()
    assert profile["score"] == before + 5 + 8
    opened = next(e for e in profile["events"] if e["type"] == "material_opened")
    assert opened["detail"]["share_link_id"] == link["id"] and opened["detail"]["material_id"] == sheet["id"]
    assert {e["type"] for e in profile["events"]} >= {"material_opened", "material_downloaded"}
    listed = (await http.get(f"/api/v1/materials/{sheet['id']}/shares", headers=operator.headers)).json()
    assert [(x["id"], x["opens"]) for x in listed] == [(link["id"], 1)]


async def test_access_code_guesses_are_throttled_per_link(
    http: httpx.AsyncClient,
    phone: httpx.AsyncClient,
    operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lib = await library(http, operator)
    case = await material(
        http, operator, lib["id"], kind="case_study", title="某连锁品牌案例", text="三个月复购率提升 40%。"
    )
    buyer = await customer(sessionmaker, operator.tenant_id)
    locked = await share(http, operator, case["id"], buyer, access_code="K7Q2")
    assert locked["has_access_code"] is True
    form = await phone.get(path_of(locked))
    assert form.status_code == 200 and "请输入访问码" in form.text and "复购率" not in form.text
    assert (await phone.get(path_of(locked) + "/file")).status_code == 403

    for _ in range(GUESSES_PER_LINK):
        wrong = await phone.post(path_of(locked), data={"code": "0000"})
        assert wrong.status_code == 403 and "访问码不正确" in wrong.text
    throttled = await phone.post(path_of(locked), data={"code": "K7Q2"})
    assert throttled.status_code == 429 and "次数过多" in throttled.text

    other = await share(http, operator, case["id"], buyer, access_code="K7Q2")
    opened = await phone.post(path_of(other), data={"code": "K7Q2"})
    assert opened.status_code == 303
    page = await phone.get(path_of(other))
    assert page.status_code == 200 and "复购率提升 40%" in page.text
    assert (await phone.get(path_of(other) + "/file")).status_code == 200
    seen = (await http.get(f"/api/v1/material-share-links/{other['id']}", headers=operator.headers)).json()
    assert (seen["opens"], seen["downloads"]) == (1, 1)
    # Guesses are not opens.
    assert (await http.get(f"/api/v1/material-share-links/{locked['id']}", headers=operator.headers)).json()[
        "opens"
    ] == 0


async def test_guesses_are_throttled_per_address_across_links(
    http: httpx.AsyncClient, operator: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lib = await library(http, operator)
    faq = await material(http, operator, lib["id"])
    buyer = await customer(sessionmaker, operator.tenant_id)
    links = [await share(http, operator, faq["id"], buyer, access_code="9XY3") for _ in range(5)]
    now = utcnow()
    async with sessionmaker() as session:
        shares = ShareRepository(session, operator.tenant_id)
        found = [await find_link(session, path_of(x).rsplit("/", 1)[1]) for x in links]
        rows = [f for f in found if f is not None]
        for i in range(GUESSES_PER_IP):
            await shares.record(rows[i % len(rows)], "code_failed", "203.0.113.7", "", now)
        await session.commit()
        assert not await shares.guesses_left(rows[0], "203.0.113.7", now)
        assert await shares.guesses_left(rows[0], "198.51.100.1", now)  # another address still may guess
        assert await shares.guesses_left(rows[0], "203.0.113.7", now + timedelta(minutes=16))


async def test_expired_links_and_materials_show_a_clear_page(
    http: httpx.AsyncClient,
    phone: httpx.AsyncClient,
    operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lib = await library(http, operator)
    faq = await material(http, operator, lib["id"])
    buyer = await customer(sessionmaker, operator.tenant_id)
    first = await share(http, operator, faq["id"], buyer, expires_in_hours=1)
    second = await share(http, operator, faq["id"], buyer, expires_in_hours=1)
    async with sessionmaker() as session:
        await session.execute(
            update(MaterialShareLink)
            .where(MaterialShareLink.id == first["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        await session.commit()
    gone = await phone.get(path_of(first))
    assert gone.status_code == 410 and "链接已过期" in gone.text
    assert (await phone.get(path_of(first) + "/file")).status_code == 410

    past = (utcnow() - timedelta(seconds=1)).isoformat(timespec="seconds")
    await http.patch(f"/api/v1/materials/{faq['id']}", json={"expires_at": past}, headers=operator.headers)
    withdrawn = await phone.get(path_of(second))
    assert withdrawn.status_code == 410 and "资料已下架" in withdrawn.text
    assert (await phone.get("/m/" + "x" * 32)).status_code == 404
