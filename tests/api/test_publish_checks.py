"""`/publish` refuses what the calendar would refuse, for the same reasons, before anything starts."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import DouyinAccount, Publish
from tests.support.auth import TestUser


async def add_account(
    sessionmaker: async_sessionmaker[AsyncSession],
    owner: TestUser,
    scopes: list[str],
    nickname: str | None = None,
) -> str:
    """A bound account with exactly these scopes, straight in the database (binding is tested elsewhere)."""
    async with sessionmaker() as session:
        account = DouyinAccount(
            tenant_id=owner.tenant_id,
            open_id=str(uuid.uuid4()),
            nickname=nickname,
            scopes=scopes,
            bound_by=owner.user_id,
        )
        session.add(account)
        await session.commit()
        return account.id


async def publishes_started(
    sessionmaker: async_sessionmaker[AsyncSession], *where: ColumnElement[bool]
) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Publish).where(*where)) or 0


async def test_an_account_that_did_not_grant_publishing_is_refused_with_the_reason(
    http: httpx.AsyncClient, operator: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account_id = await add_account(sessionmaker, operator, ["user_info", "video.data.bind"], "只读账号")
    post = await http.post("/api/v1/image-posts", json={"topic": "周末亲子烘焙"}, headers=operator.headers)
    assert post.status_code == 200, post.text

    response = await http.post(
        "/api/v1/publish",
        json={"content_id": post.json()["content_id"], "account_ids": [account_id]},
        headers=operator.headers,
    )
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == (
        "douyin account 只读账号 did not grant video.create.bind: reconnect it allowing publishing"
    )
    assert await publishes_started(sessionmaker, Publish.account_id == account_id) == 0


async def test_a_content_douyin_would_refuse_is_refused_up_front_and_left_as_it_was(
    http: httpx.AsyncClient, operator: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account_id = await add_account(sessionmaker, operator, ["user_info", "video.create.bind"])
    titles = await http.post("/api/v1/titles", json={"topic": "周末亲子烘焙"}, headers=operator.headers)
    content_id = titles.json()["content_id"]

    response = await http.post(
        "/api/v1/publish",
        json={"content_id": content_id, "account_ids": [account_id]},
        headers=operator.headers,
    )
    assert response.status_code == 400, response.text
    assert f"content {content_id} cannot be published on Douyin" in response.json()["detail"]
    assert "no media" in response.json()["detail"]
    draft = (await http.get(f"/api/v1/contents/{content_id}", headers=operator.headers)).json()
    assert draft["status"] == "draft" and draft["version"] == 1
    assert await publishes_started(sessionmaker, Publish.content_id == content_id) == 0


async def test_the_checks_answer_every_refusal_as_a_list_and_start_nothing(
    http: httpx.AsyncClient,
    operator: TestUser,
    other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    readonly_id = await add_account(sessionmaker, operator, ["user_info"], "只读账号")
    foreign_id = await add_account(
        sessionmaker, other_tenant_operator, ["user_info", "video.create.bind"], "别家账号"
    )
    titles = await http.post("/api/v1/titles", json={"topic": "周末亲子烘焙"}, headers=operator.headers)
    content_id = titles.json()["content_id"]

    response = await http.post(
        "/api/v1/publish/checks",
        json={"content_id": content_id, "account_ids": [readonly_id, foreign_id]},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    checks = response.json()
    assert checks["ok"] is False and checks["version"] == 1
    assert any("no media" in p for p in checks["content_problems"])
    by_id = {a["account_id"]: a for a in checks["accounts"]}
    assert "did not grant video.create.bind" in by_id[readonly_id]["problem"]
    # Another tenant's account is as unknown here as one never bound.
    assert "not found" in by_id[foreign_id]["problem"]
    assert await publishes_started(sessionmaker, Publish.content_id == content_id) == 0


async def test_the_checks_pass_for_a_publishable_content_and_a_usable_account(
    http: httpx.AsyncClient, operator: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account_id = await add_account(sessionmaker, operator, ["user_info", "video.create.bind"])
    post = await http.post("/api/v1/image-posts", json={"topic": "周末亲子烘焙"}, headers=operator.headers)
    assert post.status_code == 200, post.text

    response = await http.post(
        "/api/v1/publish/checks",
        json={"content_id": post.json()["content_id"], "account_ids": [account_id]},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert response.json()["accounts"] == [
        {"account_id": account_id, "problem": None, "live_publish_id": None, "live_status": None}
    ]
