"""The code-exchange activity: a code refused on a retry is reported as a lost outcome, not as a bad code."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.activities import DouyinActivities
from activities.douyin.client import DouyinClient
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.token_store import TokenStore
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox, running_sandbox
from models.douyin_accounts import BindingInput

BOX = SecretBox(DEV_ENCRYPTION_KEY)
REDIRECT = "http://127.0.0.1/api/v1/douyin/oauth/callback"


@pytest.fixture(scope="module")
async def own_sandbox() -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(SandboxConfig()) as running:
        yield running


@pytest.fixture
async def activities(
    own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[DouyinActivities]:
    config = own_sandbox.config
    async with httpx.AsyncClient() as http:
        client = DouyinClient(http, own_sandbox.base_url, config.client_key, config.client_secret)

        def oauth() -> DouyinOAuth:
            return DouyinOAuth(own_sandbox.base_url, config.client_key, config.client_secret, REDIRECT)

        yield DouyinActivities(
            client,
            TokenStore(sessionmaker, BOX, client),
            http=http,
            secretbox=BOX,
            oauth=oauth,
            media=LocalMediaStore(tmp_path),
            limiter=AccountLimiter(4),
        )


async def _code(sandbox: RunningSandbox) -> str:
    """A real code, minted through the consent form."""
    async with httpx.AsyncClient(base_url=sandbox.base_url) as browser:
        response = await browser.post(
            "/platform/oauth/connect/",
            data={
                "client_key": sandbox.config.client_key,
                "redirect_uri": REDIRECT,
                "state": "s",
                "open_id": ENTERPRISE_OPEN_ID,
                "scope": ["user_info", "video.create.bind"],
            },
        )
    return str(httpx.URL(response.headers["location"]).params["code"])


def _binding(code: str) -> BindingInput:
    return BindingInput(tenant_id="t", user_id="u", state="s", code_enc=BOX.encrypt(code))


async def test_exchange_returns_only_ciphertext(
    activities: DouyinActivities, own_sandbox: RunningSandbox
) -> None:
    tokens = await ActivityEnvironment().run(
        activities.exchange_douyin_code, _binding(await _code(own_sandbox))
    )
    assert tokens.open_id == ENTERPRISE_OPEN_ID and tokens.scopes == ["user_info", "video.create.bind"]
    assert BOX.decrypt(tokens.access_token_enc).startswith("act.")
    assert "act." not in tokens.model_dump_json() and "rft." not in tokens.model_dump_json()


async def test_a_spent_code_on_a_retry_means_the_first_reply_was_lost(
    activities: DouyinActivities, own_sandbox: RunningSandbox
) -> None:
    binding = _binding(await _code(own_sandbox))
    first = ActivityEnvironment()
    await first.run(activities.exchange_douyin_code, binding)

    with pytest.raises(ApplicationError) as on_first_attempt:
        await ActivityEnvironment().run(activities.exchange_douyin_code, binding)
    assert on_first_attempt.value.type == "DouyinReauthRequired" and on_first_attempt.value.non_retryable

    retry = ActivityEnvironment()
    retry.info = dataclasses.replace(retry.info, attempt=2)
    with pytest.raises(ApplicationError) as on_retry:
        await retry.run(activities.exchange_douyin_code, binding)
    assert on_retry.value.type == "BindingOutcomeUnknown" and on_retry.value.non_retryable
