"""Lateness of scheduled publish starts against their scheduled times (content calendar, seed 6).

Entries are planned through the BFF (its own process) on Temporal Schedules of a dev server of their
own; a worker process runs the calendar runs and the publishes against the Douyin sandbox. Loads:
- same-second: many one-offs on one second (every account of an agency at "9:00 sharp"),
- few-seconds: as many one-offs over five seconds,
- spread: one-offs two per second over half a minute,
- recurring: recurrences on the same 5-second anchors, three runs each,
- server-floor: as many bare schedules on one second, no worker and no BFF: what the dev server
  alone needs to start them (the floor every load above sits on).
For every start three latenesses against the occurrence's scheduled time:
- action: the scheduler's start of the action (`ScheduleActionResult.started_at`),
- workflow: the started workflow's start time (what the target, p99 < 1 s, is about),
- pickup: when our worker began the run (its first workflow task, recorded in calendar_runs).
The account spacing check is off here (CALENDAR_MIN_SPACING_MINUTES=0) so dozens of entries can share
a second on four sandbox accounts.

    .venv/bin/python bench/calendar.py [--burst 60] [--spread 60] [--recurring 10]

Note: run as `bench/calendar.py`, this file would shadow the standard library's `calendar`; it takes
the project root's place on sys.path first thing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path and its name shadows the standard
# library's `calendar` (which `email` imports): the project root takes its place.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
)

from douflow.db.calendar_tables import CalendarRun
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.media import LocalMediaStore
from douflow.testing.processes import bff_process, worker_process
from douflow.testing.temporal_server import start_dev_server
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.conftest import make_settings
from tests.support.auth import user_with_token
from tests.support.publishing import bind_account, image_post

CREATE_CONCURRENCY = 8
SETTLE_TIMEOUT = 240.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": percentile(values, 0.5),
        "p95_ms": percentile(values, 0.95),
        "p99_ms": percentile(values, 0.99),
        "max_ms": max(values),
    }


def whole_second(ahead: float) -> datetime:
    moment = datetime.now(UTC) + timedelta(seconds=ahead)
    return moment.replace(microsecond=0) + timedelta(seconds=1)


class Bench:
    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str], accounts: list[str], contents: list[str]) -> None:  # fmt: skip
        self.http, self.headers, self.accounts, self.contents = http, headers, accounts, contents
        self.used = 0

    async def plan(self, bodies: list[dict[str, Any]]) -> list[str]:
        """Creates the entries, CREATE_CONCURRENCY at a time; returns their ids."""
        gate = asyncio.Semaphore(CREATE_CONCURRENCY)

        async def one(body: dict[str, Any]) -> str:
            async with gate:
                response = await self.http.post("/api/v1/calendar/entries", json=body, headers=self.headers)
            response.raise_for_status()
            return str(response.json()["id"])

        return list(await asyncio.gather(*(one(b) for b in bodies)))

    def body(self, index: int, **timing: Any) -> dict[str, Any]:
        content = self.contents[self.used]
        self.used += 1
        return {"content_id": content, "account_id": self.accounts[index % len(self.accounts)], **timing}


async def measure(client: Client, sessionmaker: Any, entry_ids: list[str]) -> dict[str, Any]:
    """Latenesses of every scheduled start of these entries, and how their publishes ended."""
    action, started, pickup = [], [], []
    outcomes: dict[str, int] = {}
    async with sessionmaker() as session:
        runs = (await session.scalars(select(CalendarRun).where(CalendarRun.entry_id.in_(entry_ids)))).all()
    by_workflow = {r.workflow_id: r for r in runs}
    for entry_id in entry_ids:
        description = await client.get_schedule_handle(f"calendar-{entry_id}").describe()
        for result in description.info.recent_actions:
            assert isinstance(result.action, ScheduleActionExecutionStartWorkflow)
            action.append((result.started_at - result.scheduled_at).total_seconds() * 1000)
            workflow = await client.get_workflow_handle(result.action.workflow_id).describe()
            started.append((workflow.start_time - result.scheduled_at).total_seconds() * 1000)
            run = by_workflow.get(result.action.workflow_id)
            if run is not None:
                pickup.append((run.started_at - run.scheduled_for).total_seconds() * 1000)
    for run in runs:
        outcomes[run.status] = outcomes.get(run.status, 0) + 1
    return {
        "starts": len(started),
        "action": summary(action),
        "workflow": summary(started),
        "pickup": summary(pickup),
        "outcomes": outcomes,
    }


async def settle(sessionmaker: Any, entry_ids: list[str], expected: int) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        async with sessionmaker() as session:
            runs = (
                await session.scalars(select(CalendarRun).where(CalendarRun.entry_id.in_(entry_ids)))
            ).all()
        if len(runs) >= expected and all(r.status != "running" for r in runs):
            return
        await asyncio.sleep(1)
    raise RuntimeError(f"runs did not settle within {SETTLE_TIMEOUT}s")


async def run(burst: int, spread: int, recurring: int) -> dict[str, Any]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-calendar-"))
    url = f"sqlite+aiosqlite:///{tmp / 'calendar.db'}"
    upgrade(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    results: dict[str, Any] = {}
    try:
        async with running_sandbox(SandboxConfig(review_delay=1.0)) as sandbox:
            settings = make_settings(
                tmp, url, env.client.service_client.config.target_host,
                douyin_base_url=sandbox.base_url, douyin_client_key=sandbox.config.client_key,
                douyin_client_secret=sandbox.config.client_secret, calendar_min_spacing_minutes=0,
            )  # fmt: skip
            media = LocalMediaStore(settings.media_dir)
            with worker_process(settings), bff_process(settings) as base_url:
                async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
                    user = await user_with_token(http, sessionmaker, "bench", "planner", "operator")
                    accounts = [
                        await bind_account(sessionmaker, settings, sandbox, user.tenant_id, u.open_id)
                        for u in SANDBOX_USERS
                        if u.authorizable
                    ]
                    contents = [
                        await image_post(sessionmaker, media, user.tenant_id, user.user_id, title=f"日历压测{i:03d}", images=1)
                        for i in range(2 * burst + spread + recurring)
                    ]  # fmt: skip
                    bench = Bench(http, user.headers, accounts, contents)
                    results["same-second"] = await phase_burst(bench, env.client, sessionmaker, burst, 1)
                    results["few-seconds"] = await phase_burst(bench, env.client, sessionmaker, burst, 5)
                    results["spread"] = await phase_spread(bench, env.client, sessionmaker, spread)
                    results["recurring"] = await phase_recurring(bench, env.client, sessionmaker, recurring)
        results["server-floor"] = await phase_floor(burst)
    finally:
        await engine.dispose()
        await env.shutdown()
    return results


async def phase_burst(
    bench: Bench, client: Client, sessionmaker: Any, count: int, seconds: int
) -> dict[str, Any]:
    at = whole_second(8 + count / 20)
    bodies = [bench.body(i, run_at=(at + timedelta(seconds=i % seconds)).isoformat()) for i in range(count)]
    ids = await bench.plan(bodies)
    await settle(sessionmaker, ids, count)
    return {"entries": count, "over_seconds": seconds, **await measure(client, sessionmaker, ids)}


async def phase_spread(bench: Bench, client: Client, sessionmaker: Any, count: int) -> dict[str, Any]:
    first = whole_second(8 + count / 20)
    bodies = [bench.body(i, run_at=(first + timedelta(seconds=i // 2)).isoformat()) for i in range(count)]
    ids = await bench.plan(bodies)
    await settle(sessionmaker, ids, count)
    return {"entries": count, "over_seconds": count // 2, **await measure(client, sessionmaker, ids)}


async def phase_recurring(bench: Bench, client: Client, sessionmaker: Any, count: int) -> dict[str, Any]:
    recurrence = {"cron": "*/5 * * * * * *", "max_runs": 3}
    ids = await bench.plan([bench.body(i, recurrence=recurrence) for i in range(count)])
    await settle(sessionmaker, ids, count * 3)
    return {"entries": count, "runs_each": 3, **await measure(client, sessionmaker, ids)}


async def phase_floor(count: int) -> dict[str, Any]:
    """Bare one-off schedules on one second of a fresh dev server, starting a workflow nobody runs."""
    env = await start_dev_server()
    try:
        at = whole_second(5)
        spec = ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    second=[ScheduleRange(at.second)], minute=[ScheduleRange(at.minute)],
                    hour=[ScheduleRange(at.hour)], day_of_month=[ScheduleRange(at.day)],
                    month=[ScheduleRange(at.month)], year=[ScheduleRange(at.year)],
                )
            ],
            time_zone_name="UTC",
        )  # fmt: skip
        handles = await asyncio.gather(
            *(
                env.client.create_schedule(
                    f"floor-{i}",
                    Schedule(
                        action=ScheduleActionStartWorkflow("Nobody", id=f"floor-{i}", task_queue="floor"),
                        spec=spec,
                        state=ScheduleState(limited_actions=True, remaining_actions=1),
                    ),
                )
                for i in range(count)
            )
        )
        await asyncio.sleep((at - datetime.now(UTC)).total_seconds() + 3)
        action, started = [], []
        for handle in handles:
            for result in (await handle.describe()).info.recent_actions:
                assert isinstance(result.action, ScheduleActionExecutionStartWorkflow)
                action.append((result.started_at - result.scheduled_at).total_seconds() * 1000)
                workflow = await env.client.get_workflow_handle(result.action.workflow_id).describe()
                started.append((workflow.start_time - result.scheduled_at).total_seconds() * 1000)
        return {
            "entries": count,
            "starts": len(started),
            "action": summary(action),
            "workflow": summary(started),
            "pickup": {"n": 0},
            "outcomes": {},
        }
    finally:
        await env.shutdown()


def report(results: dict[str, Any]) -> str:
    lines = [
        "content calendar: lateness of scheduled starts against their scheduled times (ms)",
        f"{'load':<12} {'starts':>6} | {'measure':<9} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} | outcomes",
    ]
    for load, row in results.items():
        for index, measure_name in enumerate(("action", "workflow", "pickup")):
            stats = row[measure_name]
            if not stats.get("n"):
                continue
            head = f"{load:<12} {row['starts']:>6}" if index == 0 else f"{'':<12} {'':>6}"
            tail = ", ".join(f"{k} {v}" for k, v in sorted(row["outcomes"].items())) if index == 0 else ""
            lines.append(
                f"{head} | {measure_name:<9} {stats['p50_ms']:>7.0f} {stats['p95_ms']:>7.0f} "
                f"{stats['p99_ms']:>7.0f} {stats['max_ms']:>7.0f} | {tail}"
            )
    lines.append("")
    for load, row in results.items():
        verdict = "met" if row["workflow"]["p99_ms"] < 1000 else "NOT met"
        lines.append(f"target workflow-start p99 < 1000 ms, {load}: {verdict}")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=60)
    parser.add_argument("--spread", type=int, default=60)
    parser.add_argument("--recurring", type=int, default=10)
    args = parser.parse_args()
    results = await run(args.burst, args.spread, args.recurring)
    print(report(results))
    save(results)


def save(results: dict[str, Any]) -> None:
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "calendar.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
