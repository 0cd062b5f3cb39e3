"""Session-wide real components: a Temporal dev server, a migrated database, workers and the BFF.

The database is a fresh SQLite file, or PostgreSQL when TEST_DATABASE_URL names one (its DouFlow
tables are dropped and re-created by the migrations).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import sync_url, upgrade
from douflow.settings import Settings
from douflow.testing.temporal_server import start_dev_server
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from tests.support.auth import TestUser, user_with_token
from tests.support.histories import record_histories
from tests.support.stack import running_stack
from workflows.registry import WORKFLOWS


def make_settings(tmp: Path, database_url: str, temporal_address: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "douflow_env": "test",
        "database_url": database_url,
        "temporal_address": temporal_address,
        "task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-",
        "data_dir": tmp,
        "media_dir": tmp / "media",
        # No console is built there: what the BFF serves at / does not depend on a local `make web`.
        "web_dist_dir": tmp / "web-dist",
        "agent_provider": "template",
        "openai_base_url": None,
        "image_base_url": None,
        "bff_sync_timeout_seconds": 60.0,
        # A bound account's 30-minute sync schedule would write snapshots into the tenant whenever it
        # fires; a test that exercises the schedule triggers or unpauses it itself.
        "metrics_schedule_paused": True,
        "publish_sweep_paused": True,
        # The hourly media cleanup would remove other tests' unattached uploads; its tests run it themselves.
        "media_cleanup_schedule_paused": True,
        # Logout, disabling and demotion are asserted on the very next request, not within seconds.
        "session_check_cache_seconds": 0,
        # Each customer message is answered at once (the burst test runs its own stack with a debounce), and a
        # send of unknown outcome gives up waiting for its echo quickly.
        "conversation_debounce_seconds": 0.0,
        "conversation_echo_wait_seconds": 5.0,
        # A live event stream rechecks its login session with each keep-alive: ended streams close within a second.
        "live_events_keepalive_seconds": 1.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    try:
        yield env
        if record_to := os.environ.get("DOUFLOW_RECORD_HISTORIES"):
            await record_histories(env.client, [cls.__name__ for cls in WORKFLOWS], Path(record_to))
    finally:
        await env.shutdown()


def empty_database(url: str) -> None:
    """A shared PostgreSQL database starts empty: what an earlier run left may not fit older schemas,
    so it is dropped rather than migrated down."""
    engine = sqlalchemy.create_engine(sync_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
            connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        empty_database(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'douflow.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def temporal_address(temporal_env: WorkflowEnvironment) -> str:
    return temporal_env.client.service_client.config.target_host


@pytest.fixture(scope="session")
async def sandbox() -> AsyncIterator[RunningSandbox]:
    """The Douyin sandbox over HTTP, with short review delays; its webhooks go to the session's BFF."""
    async with running_sandbox(SandboxConfig(review_delay=1.0, webhook_backoff=0.2)) as running:
        yield running


@pytest.fixture(scope="session")
def settings(
    tmp_path_factory: pytest.TempPathFactory,
    database_url: str,
    temporal_address: str,
    sandbox: RunningSandbox,
) -> Settings:
    return make_settings(
        tmp_path_factory.mktemp("data"),
        database_url,
        temporal_address,
        douyin_base_url=sandbox.base_url,
        douyin_client_key=sandbox.config.client_key,
        douyin_client_secret=sandbox.config.client_secret,
    )


@pytest.fixture(scope="session")
async def sessionmaker(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def bff_url(
    temporal_env: WorkflowEnvironment, settings: Settings, sandbox: RunningSandbox
) -> AsyncIterator[str]:
    async with running_stack(temporal_env.client, settings) as base_url:
        await sandbox.update_config(webhook_targets=[f"{base_url}/api/v1/douyin/webhook"])
        yield base_url


@pytest.fixture(scope="session")
async def http(bff_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=bff_url, timeout=90) as client:
        yield client


@pytest.fixture(scope="session")
async def operator(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    return await user_with_token(http, sessionmaker, "acme", "olivia", "operator")


@pytest.fixture(scope="session")
async def other_tenant_operator(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> TestUser:
    return await user_with_token(http, sessionmaker, "globex", "gary", "operator")


@pytest.fixture(scope="session")
async def viewer(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    return await user_with_token(http, sessionmaker, "acme", "victor", "viewer")


@pytest.fixture(scope="session")
async def admin(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    return await user_with_token(http, sessionmaker, "acme", "ada", "admin")
