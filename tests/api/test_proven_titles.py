"""Titles that learn from proven posts: a request naming an account, through the BFF, a real workflow and
the account's metrics history synced from the sandbox."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID
from tests.support.auth import TestUser
from tests.support.metrics import MetricsEnv, metrics_env, publish_items
from tests.support.publishing import bind_account

pytestmark = pytest.mark.timeout(120)
PUBLISHED_AGO = 86_400
# Two posts far above the account's median plays (their titles hook with a number list and a question),
# one contrast at the median, and ordinary posts.
POSTS = {
    "3个收纳技巧，小房间也能住得宽敞": 20_000,
    "为什么你的衣柜总是乱糟糟？": 8_000,
    "别再乱买收纳盒了": 1_000,
    "今天的早餐": 1_000,
    "周末去爬山": 1_000,
    "随手拍": 1_000,
}
TOPIC = {"topic": "阳台改造", "count": 5}


@pytest.fixture(scope="module")
async def env(
    temporal_env: WorkflowEnvironment,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[MetricsEnv]:
    async with metrics_env(
        temporal_env.client, database_url, tmp_path_factory.mktemp("proven"), sessionmaker
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(env: MetricsEnv) -> TestUser:
    return await env.user("proven")


@pytest.fixture(scope="module")
async def accounts(env: MetricsEnv, owner: TestUser) -> dict[str, str]:
    """The personal account with a synced history of POSTS (pinned plays); the enterprise one with none."""
    await env.sandbox.freeze_clock(time.time() - PUBLISHED_AGO)
    bound = {
        open_id: await bind_account(env.sessionmaker, env.settings, env.sandbox, owner.tenant_id, open_id)
        for open_id in (PERSONAL_OPEN_ID, ENTERPRISE_OPEN_ID)
    }
    item_ids = await publish_items(env.sandbox, PERSONAL_OPEN_ID, list(POSTS))
    for item_id, reach in zip(item_ids, POSTS.values(), strict=True):
        await env.sandbox.pin_profile(item_id, reach=reach, takes_off=False, tau=600)
    await env.sandbox.advance_clock(PUBLISHED_AGO)
    await env.sync(owner, bound[PERSONAL_OPEN_ID])
    return bound


async def titles(env: MetricsEnv, user: TestUser, **body: Any) -> dict[str, Any]:
    response = await env.http.post("/api/v1/titles", json=TOPIC | body, headers=user.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_titles_follow_the_top_posts_patterns_and_cite_them(
    env: MetricsEnv, owner: TestUser, accounts: dict[str, str]
) -> None:
    body = await titles(env, owner, account_id=accounts[PERSONAL_OPEN_ID])

    proven = body["proven"]
    assert [p["pattern"] for p in proven["patterns"]] == ["number_list", "question"]
    top, second = (p["evidence"] for p in proven["patterns"])
    assert (
        top["title"] == "3个收纳技巧，小房间也能住得宽敞" and second["title"] == "为什么你的衣柜总是乱糟糟？"
    )
    assert top["ratio"] >= 15 and second["ratio"] >= 6 and proven["posts"] == len(POSTS)
    following = [c for c in body["candidates"] if c["pattern"] is not None]
    assert [(c["pattern"], c["evidence"]["item_id"]) for c in following] == [
        ("number_list", top["item_id"]),
        ("question", second["item_id"]),
    ]
    assert all(
        "阳台" in c["text"] and "收纳" not in c["text"] for c in following
    )  # the structure, not the words
    others = [c for c in body["candidates"] if c["pattern"] is None]
    assert len(others) == 3 and all(c["evidence"] is None for c in others)
    assert body["compliance"]["passed"] is True

    draft = await env.http.get(f"/api/v1/contents/{body['content_id']}", headers=owner.headers)
    assert draft.status_code == 200, draft.text
    assert draft.text.count(top["item_id"]) >= 1  # the draft keeps what each candidate learnt from


async def test_an_account_without_history_gives_the_usual_titles_and_says_so(
    env: MetricsEnv, owner: TestUser, accounts: dict[str, str]
) -> None:
    plain = await titles(env, owner)
    learnt = await titles(env, owner, account_id=accounts[ENTERPRISE_OPEN_ID])

    assert plain["proven"] is None
    assert learnt["proven"]["patterns"] == [] and learnt["proven"]["posts"] == 0
    assert "no proven patterns found" in learnt["proven"]["note"]
    assert [c["text"] for c in learnt["candidates"]] == [c["text"] for c in plain["candidates"]]
    assert all(c["pattern"] is None and c["evidence"] is None for c in learnt["candidates"])


async def test_another_tenants_account_is_not_found(env: MetricsEnv, accounts: dict[str, str]) -> None:
    stranger = await env.user("stranger")
    response = await env.http.post(
        "/api/v1/titles", json=TOPIC | {"account_id": accounts[PERSONAL_OPEN_ID]}, headers=stranger.headers
    )
    assert response.status_code == 404, response.text
    assert accounts[PERSONAL_OPEN_ID] in response.json()["detail"]


async def test_an_unknown_account_id_is_not_found(
    env: MetricsEnv, owner: TestUser, accounts: dict[str, str]
) -> None:
    response = await env.http.post(
        "/api/v1/titles", json=TOPIC | {"account_id": "no-such-account"}, headers=owner.headers
    )
    assert response.status_code == 404, response.text
