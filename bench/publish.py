"""Publishing throughput: 1, 10 and 50 concurrent publishes across 5 Douyin accounts, sandbox latency on.

Own dev server, own sandbox (review after 1 s, every business call delayed), the worker and the BFF as
their own processes. Publishes are started through `POST /api/v1/publish`; the database is polled for
when each reaches `under_review` (the item exists on Douyin) and `published` (review passed).

    .venv/bin/python bench/publish.py [--latency-ms 75]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.db.tables import Publish
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.testing.processes import bff_process, worker_process
from douflow.testing.temporal_server import start_dev_server
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.conftest import make_settings
from tests.support.auth import TestUser, user_with_token
from tests.support.publishing import bind_account, image_post

LEVELS = (1, 10, 50)
ACCOUNTS = 5
IMAGES_PER_POST = 2


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def reached(sessionmaker: async_sessionmaker[AsyncSession], ids: list[str]) -> dict[str, set[str]]:
    """Statuses each publish has been through so far."""
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Publish).where(Publish.id.in_(ids)))).all()
        return {row.id: {entry["status"] for entry in row.history} for row in rows}


async def run_level(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    user: TestUser,
    accounts: list[str],
    concurrency: int,
) -> dict[str, Any]:
    media = LocalMediaStore(settings.media_dir)
    contents = [
        await image_post(sessionmaker, media, user.tenant_id, user.user_id,
                         title=f"压测发布{concurrency}-{i}-{uuid.uuid4().hex[:6]}", images=IMAGES_PER_POST)
        for i in range(concurrency)
    ]  # fmt: skip

    async def start(i: int) -> str:
        body = {"content_id": contents[i], "account_ids": [accounts[i % len(accounts)]]}
        response = await http.post("/api/v1/publish", json=body, headers=user.headers)
        response.raise_for_status()
        publish_id: str = response.json()["publishes"][0]["id"]
        return publish_id

    began = time.perf_counter()
    ids = await asyncio.gather(*(start(i) for i in range(concurrency)))
    under_review: dict[str, float] = {}
    published: dict[str, float] = {}
    while len(published) < concurrency and time.perf_counter() - began < 300:
        for publish_id, statuses in (await reached(sessionmaker, ids)).items():
            now = time.perf_counter() - began
            if "under_review" in statuses:
                under_review.setdefault(publish_id, now)
            if "published" in statuses:
                published.setdefault(publish_id, now)
            if statuses & {"failed", "rejected", "unconfirmed"}:
                raise RuntimeError(f"publish {publish_id} ended {statuses}")
        await asyncio.sleep(0.05)
    review_times = list(under_review.values())
    return {
        "concurrency": concurrency,
        "accounts": len(accounts),
        "completed": len(published),
        "under_review_p50_s": percentile(review_times, 0.5),
        "under_review_p95_s": percentile(review_times, 0.95),
        "under_review_max_s": max(review_times),
        "publishes_per_s_to_under_review": concurrency / max(review_times),
        "published_p50_s": percentile(list(published.values()), 0.5),
        "publishes_per_s_to_published": concurrency / max(published.values()),
    }


async def bench(latency_ms: int) -> dict[str, Any]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-publish-"))
    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with running_sandbox(SandboxConfig(review_delay=1.0)) as sandbox:
            settings = make_settings(
                tmp, url, env.client.service_client.config.target_host,
                douyin_base_url=sandbox.base_url, douyin_client_key=sandbox.config.client_key,
                douyin_client_secret=sandbox.config.client_secret,
            )  # fmt: skip
            with worker_process(settings), bff_process(settings) as base_url:
                async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
                    user = await user_with_token(http, sessionmaker, "bench", "publisher", "operator")
                    accounts = await bind_accounts(sessionmaker, settings, sandbox, user)
                    await run_level(http, sessionmaker, settings, user, accounts, 2)  # warm-up
                    await sandbox.set_faults(latency_ms=latency_ms)
                    rows = [
                        await run_level(http, sessionmaker, settings, user, accounts, level)
                        for level in LEVELS
                    ]
                    items = sum([len(await sandbox.items(u.open_id)) for u in SANDBOX_USERS[:ACCOUNTS]])
    finally:
        await engine.dispose()
        await env.shutdown()
    expected = 2 + sum(LEVELS)
    return {
        "latency_ms": latency_ms,
        "review_delay_s": 1.0,
        "rows": rows,
        "items": items,
        "expected_items": expected,
    }


async def bind_accounts(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    user: TestUser,
) -> list[str]:
    return [
        await bind_account(sessionmaker, settings, sandbox, user.tenant_id, u.open_id)
        for u in SANDBOX_USERS[:ACCOUNTS]
    ]


def report(results: dict[str, Any]) -> str:
    lines = [
        f"publishing: {ACCOUNTS} accounts, {IMAGES_PER_POST} images per post, sandbox latency "
        f"{results['latency_ms']} ms per call, review after {results['review_delay_s']:.0f} s",
        f"{'conc':>4} | {'→under_review p50':>17} {'p95':>6} {'max':>6} {'pub/s':>6} | {'→published p50':>14} {'pub/s':>6}",
    ]  # fmt: skip
    for r in results["rows"]:
        lines.append(
            f"{r['concurrency']:>4} | {r['under_review_p50_s']:>16.2f}s {r['under_review_p95_s']:>5.2f}s "
            f"{r['under_review_max_s']:>5.2f}s {r['publishes_per_s_to_under_review']:>6.2f} | "
            f"{r['published_p50_s']:>13.2f}s {r['publishes_per_s_to_published']:>6.2f}"
        )
    lines.append(f"sandbox items: {results['items']} (expected {results['expected_items']}: one per publish)")
    return "\n".join(lines)


def save(results: dict[str, Any]) -> None:
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "publish.json").write_text(json.dumps(results, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=75)
    args = parser.parse_args()
    results = asyncio.run(bench(args.latency_ms))
    print(report(results))
    save(results)


if __name__ == "__main__":
    main()
