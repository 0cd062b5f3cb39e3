"""The connector's account handling, with fake credentials and a fake Douyin client."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import httpx
from temporalio.testing import ActivityEnvironment

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.activities import DouyinActivities
from activities.douyin.calls import TokenSource
from activities.douyin.client import DouyinClient, VideoItem
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.token_store import Credentials
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY
from models.douyin_accounts import AccountRef
from models.publish import ReviewQuery

ACCOUNT = AccountRef(tenant_id="t1", account_id="a1")


class ExpiringTokens:
    """An access token that is about to expire: the first fresh_credentials refreshes it."""

    def __init__(self) -> None:
        self.token = "act.old"
        self.refreshes = 0

    def _current(self) -> Credentials:
        return Credentials(account_id="a1", open_id="o1", access_token=self.token, scopes=[], status="ok")

    async def credentials(self, tenant_id: str, account_id: str) -> Credentials:
        return self._current()

    async def fresh_credentials(self, tenant_id: str, account_id: str) -> Credentials:
        if self.token == "act.old":
            return await self.refresh(tenant_id, account_id)
        return self._current()

    async def refresh(self, tenant_id: str, account_id: str) -> Credentials:
        await asyncio.sleep(0.01)  # the round trip to /oauth/refresh_token/
        self.refreshes += 1
        self.token = f"act.new{self.refreshes}"
        return self._current()


class FakeClient:
    def __init__(self) -> None:
        self.tokens: list[str] = []

    async def video_data(self, token: str, open_id: str, item_ids: list[str]) -> list[VideoItem]:
        self.tokens.append(token)
        return [VideoItem(item_id=item_ids[0], video_status=5)]


def _no_oauth() -> DouyinOAuth:
    raise AssertionError("no code exchange in these tests")


async def test_parallel_calls_near_expiry_refresh_the_token_once(tmp_path: Any) -> None:
    tokens, client = ExpiringTokens(), FakeClient()
    activities = DouyinActivities(
        cast(DouyinClient, client),
        cast(TokenSource, tokens),
        http=httpx.AsyncClient(),
        secretbox=SecretBox(DEV_ENCRYPTION_KEY),
        oauth=_no_oauth,
        media=LocalMediaStore(tmp_path),
        limiter=AccountLimiter(4),
    )
    env = ActivityEnvironment()
    query = ReviewQuery(account=ACCOUNT, item_id="@x")
    states = await asyncio.gather(*(env.run(activities.douyin_review_state, query) for _ in range(5)))
    assert all(state.found for state in states)
    assert tokens.refreshes == 1
    assert client.tokens == ["act.new1"] * 5
