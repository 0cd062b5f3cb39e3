"""A sandbox for this suite: one server per session, wiped and reconfigured before every test.

Fixtures:
- `douyin_sandbox_server` (session): the running server (`RunningSandbox`: base_url, config, admin helpers);
- `douyin_sandbox` (function): the same server after a reset to `SANDBOX_TEST_CONFIG`, faults cleared;
- `douyin_http`, `douyin_client`, `enterprise_tokens`: an httpx client, a `DouyinClient` with small
  upload thresholds, and tokens for the enterprise sandbox user;
- `receiver`: a tiny webhook receiver the sandbox delivers to (`Receiver.events(name)`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from activities.douyin.client import DouyinClient
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox, running_sandbox, serve_app
from tests.douyin_sandbox.helpers import Receiver, receiver_app

# Small sizes and delays so the suite exercises every path in seconds.
SANDBOX_TEST_CONFIG = SandboxConfig(
    review_delay=0.3,
    min_part_bytes=1024,
    simple_upload_max_bytes=64 * 1024,
    max_image_bytes=256 * 1024,
    webhook_timeout=2.0,
    webhook_backoff=0.05,
)
CLIENT_SIMPLE_THRESHOLD = 8 * 1024
CLIENT_CHUNK_SIZE = 4 * 1024


@pytest.fixture(scope="session")
async def douyin_sandbox_server() -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(SANDBOX_TEST_CONFIG) as running:
        yield running


@pytest.fixture
async def douyin_sandbox(douyin_sandbox_server: RunningSandbox) -> RunningSandbox:
    await douyin_sandbox_server.reset()
    return douyin_sandbox_server


@pytest.fixture
async def douyin_http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


@pytest.fixture
def douyin_client(douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient) -> DouyinClient:
    return DouyinClient(
        douyin_http,
        douyin_sandbox.base_url,
        douyin_sandbox.config.client_key,
        douyin_sandbox.config.client_secret,
        simple_upload_threshold=CLIENT_SIMPLE_THRESHOLD,
        chunk_size=CLIENT_CHUNK_SIZE,
    )


@pytest.fixture
async def enterprise_tokens(douyin_sandbox: RunningSandbox) -> dict[str, Any]:
    return await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID)


@pytest.fixture
async def receiver(douyin_sandbox: RunningSandbox) -> AsyncIterator[Receiver]:
    state = Receiver()
    async with serve_app(receiver_app(state)) as base_url:
        state.base_url = base_url
        await douyin_sandbox.update_config(webhook_targets=[f"{base_url}/hook"])
        yield state
