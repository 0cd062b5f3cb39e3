"""Publishing under faults: a worker process killed mid-publish, and a sandbox that fails 30 % of calls.

Each test has its own sandbox (faults and item counts stay its own) and its own task queues. The proof
is the sandbox's item list: exactly one item per publish, every publish finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from subprocess import Popen
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.testing.processes import settings_env, spawned
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.content import Actor
from models.publish import PublishResult
from tests.support.auth import TestUser
from tests.support.polling import eventually
from tests.support.publishing import (
    bind_account,
    image_post,
    is_final,
    publish_row,
    start_publish,
)
from tests.support.stack import running_workers

ACCOUNTS = [user.open_id for user in SANDBOX_USERS[:4]]


@contextlib.asynccontextmanager
async def own_sandbox(settings: Settings, **faults: object) -> AsyncIterator[tuple[RunningSandbox, Settings]]:
    async with running_sandbox(SandboxConfig(review_delay=1.0)) as sandbox:
        if faults:
            await sandbox.set_faults(**faults)
        yield (
            sandbox,
            settings.model_copy(
                update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-", "douyin_base_url": sandbox.base_url}
            ),
        )


async def start_publishes(
    client: Client,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sandbox: RunningSandbox,
    user: TestUser,
    per_account: int,
) -> list[tuple[str, str, WorkflowHandle[Any, PublishResult]]]:
    """`per_account` image posts to each sandbox account; (open_id, title, handle) per publish."""
    media = LocalMediaStore(settings.media_dir)
    started = []
    for open_id in ACCOUNTS:
        account_id = await bind_account(sessionmaker, settings, sandbox, user.tenant_id, open_id)
        for n in range(per_account):
            title = f"故障演练{n}号{uuid.uuid4().hex[:8]}"
            content_id = await image_post(sessionmaker, media, user.tenant_id, user.user_id, title=title)
            actor = Actor(tenant_id=user.tenant_id, user_id=user.user_id)
            handle = await start_publish(client, settings, actor, content_id, account_id, review_max_polls=60)
            started.append((open_id, title, handle))
    return started


async def assert_each_published_once(
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    started: list[tuple[str, str, WorkflowHandle[Any, PublishResult]]],
) -> None:
    waits = (asyncio.wait_for(h.result(), 90) for _, _, h in started)
    results = await asyncio.gather(*waits, return_exceptions=True)
    if not all(isinstance(r, PublishResult) and r.status == "published" for r in results):
        rows = [await publish_row(sessionmaker, h.result_run_id or "") for _, _, h in started]
        pytest.fail(f"not all published: {results}; histories: {[row.history for row in rows if row]}")
    for open_id in ACCOUNTS:
        mine = [title for o, title, _ in started if o == open_id]
        titles = [item["title"].split("\n")[0] for item in await sandbox.items(open_id)]
        assert sorted(titles) == sorted(mine), f"{open_id}: expected one item per publish"
    item_ids = {r.item_id for r in results if isinstance(r, PublishResult)}
    assert len(item_ids) == len(started)


@contextlib.contextmanager
def worker(settings: Settings) -> Iterator[Popen[bytes]]:
    with spawned([sys.executable, "worker.py"], settings_env(settings)) as proc:
        yield proc


@pytest.mark.timeout(150)
async def test_killed_worker_process_restarted_n_times_publishes_each_exactly_once(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    operator: TestUser,
) -> None:
    kills = 3
    rng = random.Random(5)
    # Latency widens every call, so kills land inside uploads, creates and review polls.
    async with own_sandbox(settings, latency_ms=120) as (sandbox, own):
        started = await start_publishes(
            temporal_env.client, own, sessionmaker, sandbox, operator, per_account=2
        )
        for _ in range(kills):
            with worker(own) as proc:
                await asyncio.sleep(rng.uniform(2.5, 4.5))  # start-up takes ~2 s, then it works
                proc.kill()  # SIGKILL: no graceful shutdown, in-flight activities are lost
                await asyncio.to_thread(proc.wait, 10)
        with worker(own):
            await assert_each_published_once(sandbox, sessionmaker, started)
        publishes = [await publish_row(sessionmaker, h.result_run_id or "") for _, _, h in started]
        assert all(is_final(p) and p is not None and p.item_id for p in publishes)


@pytest.mark.timeout(150)
async def test_thirty_percent_busy_and_rate_limited_calls_still_publish_each_exactly_once(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    operator: TestUser,
) -> None:
    faults = {"busy_ratio": 0.15, "rate_limit_ratio": 0.15, "fail_after_commit_ratio": 0.3, "seed": 11}
    async with own_sandbox(settings, **faults) as (sandbox, own):
        async with running_workers(temporal_env.client, own):
            started = await start_publishes(
                temporal_env.client, own, sessionmaker, sandbox, operator, per_account=2
            )
            await assert_each_published_once(sandbox, sessionmaker, started)

        async def histories() -> list[list[str]]:
            rows = [await publish_row(sessionmaker, h.result_run_id or "") for _, _, h in started]
            return [[entry["event"] for entry in row.history] for row in rows if row]

        events = [
            e for history in await eventually(histories, lambda h: len(h) == len(started)) for e in history
        ]
        # The faults did reach the irreversible step: replies lost (then reconciled) or calls refused.
        assert {"create_outcome_unknown", "create_refused"} & set(events), events
        # Every endpoint draws its own seeded stream: with seed 11 the third create to commit loses its
        # reply, whichever publish makes it, and there are eight.
        assert "create_outcome_unknown" in events, events
        assert events.count("create_outcome_unknown") == events.count("reconciled_found")
