"""Customer journeys (seed 15): how late waits end against their due times, and what waiting enrolments cost.

Own dev server, own SQLite database, the worker as its own process (its RSS is read from /proc). Two phases:

- lateness: 1 000 customers enrolled by hand (the BFF's path: row, then workflow) in a journey that waits one
  minute, then tags and exits; the enrolments are paced over 55 s, so their timers fall due within a minute. For each, the wait's `passed` step (the workflow's time when it woke) and the tag's step (recorded
  after the action's activity) against the wait's due time;
- memory: 10 000 enrolments parked in a one-day wait; the worker's RSS before and after (the SDK's default
  workflow cache bounds what it holds; the rest are evicted and replayed when their timer fires).

    .venv/bin/python bench/journeys.py [--quick] [--enrolments 1000] [--waiting 10000] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import inspect
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker

from douflow.accounts import ensure_tenant
from douflow.customers.journey_enrolment import enrol
from douflow.customers.journeys import JourneyRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.journey_tables import Journey, JourneyEnrolment, JourneyStep, JourneyVersion
from douflow.db.migrate import upgrade
from douflow.settings import Settings
from douflow.temporal.client import connect_temporal
from douflow.testing.processes import worker_process
from douflow.testing.temporal_server import start_dev_server
from models.journeys import JourneyGraph
from tests.conftest import make_settings

log = logging.getLogger("bench.journeys")
CONCURRENCY = 16
# The lateness phase's timers fall due within this many seconds (the enrolments are paced over it).
SPREAD_S = 55.0
DRAIN_TIMEOUT = 1800.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50_ms": percentile(values_ms, 0.5),
        "p95_ms": percentile(values_ms, 0.95),
        "p99_ms": percentile(values_ms, 0.99),
        "max_ms": max(values_ms, default=float("nan")),
    }


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def graph(wait_minutes: int) -> JourneyGraph:
    return JourneyGraph.model_validate(
        {
            "nodes": [
                {"id": "start", "kind": "trigger", "on": "manual", "next": "pause"},
                {"id": "pause", "kind": "wait", "minutes": wait_minutes, "next": "mark"},
                {"id": "mark", "kind": "action", "action": "tag", "tag": "bench", "next": "done"},
                {"id": "done", "kind": "exit"},
            ],
            "quiet_hours": None,
        }
    )


async def published(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, wait_minutes: int
) -> tuple[Journey, JourneyVersion]:
    async with sessionmaker() as session:
        repo = JourneyRepository(session, tenant_id)
        journey = repo.create(f"bench {wait_minutes} min", None, graph(wait_minutes), "bench")
        await session.flush()
        version = await repo.publish(journey, "bench", utcnow())
        await session.commit()
        return journey, version


async def customers(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    rows = [
        {"id": i, "tenant_id": tenant_id, "open_id": f"bench-{i}", "tags": [], "level": "cold"} for i in ids
    ]
    async with sessionmaker() as session:
        for start in range(0, count, 1000):
            await session.execute(insert(Customer), rows[start : start + 1000])
        await session.commit()
    return ids


async def enrol_all(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    settings: Settings,
    journey: Journey,
    version: JourneyVersion,
    customer_ids: Sequence[str],
    spread_s: float = 0.0,
) -> float:
    """Enrols every customer (CONCURRENCY at a time, paced over `spread_s`); the seconds it took."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for customer_id in customer_ids:
        queue.put_nowait(customer_id)

    began = time.monotonic()
    interval = spread_s / max(len(customer_ids), 1)
    made = 0

    async def one_worker() -> None:
        nonlocal made
        while not queue.empty():
            customer_id = queue.get_nowait()
            made += 1
            # Paced so the due times spread evenly over `spread_s` (0: as fast as it goes).
            await asyncio.sleep(max(0.0, began + made * interval - time.monotonic()))
            async with sessionmaker() as session:
                done = await enrol(
                    session, client, settings, journey, version, customer_id, "manual", utcnow()
                )
            if done.enrolment_id is None:
                raise RuntimeError(f"not enrolled: {done.refusal}")

    await asyncio.gather(*(one_worker() for _ in range(CONCURRENCY)))
    return time.monotonic() - began


async def count_steps(
    sessionmaker: async_sessionmaker[AsyncSession], journey_id: str, node_id: str, outcome: str
) -> int:
    async with sessionmaker() as session:
        found = await session.scalar(
            select(func.count(JourneyStep.id)).where(
                JourneyStep.journey_id == journey_id,
                JourneyStep.node_id == node_id,
                JourneyStep.outcome == outcome,
            )
        )
        return int(found or 0)


async def until_count(
    sessionmaker: async_sessionmaker[AsyncSession], journey_id: str, node_id: str, outcome: str, wanted: int
) -> float:
    began = time.monotonic()
    while (seen := await count_steps(sessionmaker, journey_id, node_id, outcome)) < wanted:
        if time.monotonic() - began > DRAIN_TIMEOUT:
            raise TimeoutError(f"{seen}/{wanted} {node_id} {outcome}")
        await asyncio.sleep(1.0)
    return time.monotonic() - began


async def lateness(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    settings: Settings,
    tenant_id: str,
    count: int,
) -> dict[str, Any]:
    journey, version = await published(sessionmaker, tenant_id, 1)
    ids = await customers(sessionmaker, tenant_id, count)
    enrolled_s = await enrol_all(sessionmaker, client, settings, journey, version, ids, spread_s=SPREAD_S)
    log.info("%d enrolled in %.1f s; waiting for their timers", count, enrolled_s)
    await until_count(sessionmaker, journey.id, "mark", "done", count)
    async with sessionmaker() as session:
        rows = (await session.scalars(select(JourneyStep).where(JourneyStep.journey_id == journey.id))).all()
    due: dict[str, datetime] = {
        s.enrolment_id: s.due_at for s in rows if s.node_id == "pause" and s.outcome == "entered" and s.due_at
    }
    woke = [
        (s.at - due[s.enrolment_id]).total_seconds() * 1000
        for s in rows
        if s.node_id == "pause" and s.outcome == "passed"
    ]
    tagged = [(s.at - due[s.enrolment_id]).total_seconds() * 1000 for s in rows if s.node_id == "mark"]
    spread = (max(due.values()) - min(due.values())).total_seconds()
    return {
        "enrolments": count,
        "enrolled_in_s": round(enrolled_s, 1),
        "due_within_s": round(spread, 1),
        "wait_woke": summary(woke),
        "tag_recorded": summary(tagged),
    }


async def memory(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    settings: Settings,
    tenant_id: str,
    count: int,
    worker_pid: int,
) -> dict[str, Any]:
    journey, version = await published(sessionmaker, tenant_id, 24 * 60)
    before = rss_kib(worker_pid)
    ids = await customers(sessionmaker, tenant_id, count)
    enrolled_s = await enrol_all(sessionmaker, client, settings, journey, version, ids)
    await until_count(sessionmaker, journey.id, "pause", "entered", count)
    await asyncio.sleep(5)
    after = rss_kib(worker_pid)
    async with sessionmaker() as session:
        running = await session.scalar(
            select(func.count(JourneyEnrolment.id)).where(
                JourneyEnrolment.journey_id == journey.id, JourneyEnrolment.status == "running"
            )
        )
    return {
        "waiting": int(running or 0),
        "enrolled_per_s": round(count / enrolled_s, 1),
        "worker_rss_before_mib": round(before / 1024, 1),
        "worker_rss_after_mib": round(after / 1024, 1),
        "max_cached_workflows": int(
            inspect.signature(Worker.__init__).parameters["max_cached_workflows"].default
        ),
    }


async def bench(enrolments: int, waiting: int) -> dict[str, Any]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-journeys-"))
    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    results: dict[str, Any] = {"load_before": list(os.getloadavg())}
    try:
        settings = make_settings(tmp, url, env.client.service_client.config.target_host)
        client = await connect_temporal(settings)
        async with sessionmaker() as session:
            tenant = await ensure_tenant(session, "bench")
            await session.commit()
        with worker_process(settings) as worker:
            results["lateness"] = await lateness(sessionmaker, client, settings, tenant.id, enrolments)
            save(results)
            results["memory"] = await memory(sessionmaker, client, settings, tenant.id, waiting, worker.pid)
        results["load_after"] = list(os.getloadavg())
    finally:
        await engine.dispose()
        await env.shutdown()
    return results


def save(results: dict[str, Any]) -> None:
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "journeys.json").write_text(json.dumps(results, indent=2))


def report(results: dict[str, Any]) -> str:
    late, mem = results["lateness"], results["memory"]
    woke, tagged = late["wait_woke"], late["tag_recorded"]
    return "\n".join(
        [
            f"{late['enrolments']} enrolments made in {late['enrolled_in_s']} s, their one-minute waits due within "
            f"{late['due_within_s']} s",
            f"wait woke after due:  p50 {woke['p50_ms']:.0f} ms, p95 {woke['p95_ms']:.0f} ms, p99 {woke['p99_ms']:.0f} "
            f"ms, max {woke['max_ms']:.0f} ms (target p99 <= 1000 ms)",
            f"tag step recorded:    p50 {tagged['p50_ms']:.0f} ms, p95 {tagged['p95_ms']:.0f} ms, p99 "
            f"{tagged['p99_ms']:.0f} ms, max {tagged['max_ms']:.0f} ms",
            f"{mem['waiting']} enrolments waiting ({mem['enrolled_per_s']}/s enrolled): worker RSS "
            f"{mem['worker_rss_before_mib']} -> {mem['worker_rss_after_mib']} MiB "
            f"(max_cached_workflows={mem['max_cached_workflows']}, SDK default)",
            f"load {results['load_before']} -> {results.get('load_after')}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="200 enrolments, 1 000 waiting")
    parser.add_argument("--enrolments", type=int, default=None)
    parser.add_argument("--waiting", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    log.setLevel(logging.INFO)
    enrolments = args.enrolments or (200 if args.quick else 1000)
    waiting = args.waiting or (1000 if args.quick else 10_000)
    results = asyncio.run(bench(enrolments, waiting))
    save(results)
    print(json.dumps(results, indent=2) if args.json else report(results))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
