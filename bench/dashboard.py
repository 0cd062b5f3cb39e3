"""The review dashboard with a year of history: p50/p95 of GET /api/v1/dashboard through the BFF.

Seeds one tenant with 5 accounts, 1 000 items published over the last year and their metrics as the sync
would have written them (snapshots every 30 min for 48 h, then every 6 h to a week, daily to a month,
weekly after; one daily row per item per day; the rollups), plus contents, publishes and replications;
and the customer side of the year (douflow/testing/bench_customers.py): 50 000 conversations (about 55 000
openings), 500 000 behaviour events, 50 000 comments, 5 000 leads and 1 500 deals. Other tenants hold a fifth
as much each, so every query must find the one tenant's rows among theirs.
The BFF runs in its own process; every call goes over HTTP with a real login.

    .venv/bin/python bench/dashboard.py [--items 1000] [--conversations 50000] [--events 500000]
        [--others 2] [--calls 100] [--postgres postgresql+psycopg://...]
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
import math
import os
import random
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from douflow.db.base import Base
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.testing.bench_customers import CustomerSeeder
from douflow.testing.processes import bff_process
from douflow.testing.temporal_server import start_dev_server
from tests.conftest import make_settings
from tests.support.auth import user_with_token

ZONE = ZoneInfo("Asia/Shanghai")
ACCOUNTS = 5
CHUNK = 5000
KINDS = ("image_post", "video_script")
STATS = ("play", "digg", "comment", "share", "download", "forward")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def counts(reach: float, tau_h: float, rates: tuple[float, float], age_h: float) -> dict[str, int]:
    """Saturating growth like the sandbox's: most plays in the first days, a slow tail after."""
    plays = reach * (1 - math.exp(-age_h / tau_h)) + reach * 0.05 * math.log1p(age_h / tau_h)
    digg_rate, share_rate = rates
    shares = plays * share_rate
    return {
        "play": int(plays),
        "digg": int(plays * digg_rate),
        "comment": int(plays * digg_rate * 0.12),
        "share": int(shares),
        "download": int(plays * 0.0015),
        "forward": int(shares * 0.6),
    }


def capture_times(created: datetime, now: datetime) -> list[datetime]:
    """When snapshots were kept: dense while young, sparser with age."""
    steps = [(timedelta(hours=48), timedelta(minutes=30)), (timedelta(days=7), timedelta(hours=6)),
             (timedelta(days=30), timedelta(days=1)), (timedelta(days=400), timedelta(days=7))]  # fmt: skip
    times, moment = [], created + timedelta(minutes=30)
    for until, step in steps:
        while moment - created < until and moment <= now:
            times.append(moment)
            moment += step
    return times


class Seeder:
    """Builds every row in memory (deterministic from a seed), then inserts them in bulk."""

    def __init__(self, tenant_id: str, items: int, seed: int = 7) -> None:
        self.tenant_id = tenant_id
        self.items = items
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.items_of: dict[str, list[tuple[str, datetime]]] = defaultdict(list)

    def with_customers(
        self, agent_user_id: str | None, conversations: int, events: int
    ) -> dict[str, list[dict[str, Any]]]:
        """The content side, then the customer side on the same accounts and items."""
        rows = self.build()
        accounts = [account["id"] for account in rows["douyin_accounts"]]
        customers = CustomerSeeder(self.tenant_id, accounts, self.items_of, agent_user_id, self.now)
        sizes = (conversations, events, events // 10, conversations // 10, conversations * 3 // 100)
        for name, table_rows in customers.build(*sizes).items():
            rows[name] += table_rows
        return rows

    def build(self) -> dict[str, list[dict[str, Any]]]:
        accounts = [str(uuid.uuid4()) for _ in range(ACCOUNTS)]
        for index, account_id in enumerate(accounts):
            self.rows["douyin_accounts"].append(
                {
                    "id": account_id,
                    "tenant_id": self.tenant_id,
                    "open_id": f"bench-{uuid.uuid4()}",
                    "nickname": f"账号{index + 1}",
                    "scopes": [],
                    "bound_by": "bench",
                }
            )
        linked: list[tuple[str, str]] = []
        rollup: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0] * len(STATS))
        for n in range(self.items):
            linked += self._item(n, self.rng.choice(accounts), rollup)
        for (day, account_id, kind), sums in rollup.items():
            self.rows["metric_rollups"].append(
                {
                    "tenant_id": self.tenant_id,
                    "day": day,
                    "account_id": account_id,
                    "kind": kind,
                    **dict(zip(STATS, sums, strict=True)),
                }
            )
        self._drafts(500)
        self._replications(linked, accounts)
        return self.rows

    def _item(
        self, n: int, account_id: str, rollup: dict[tuple[date, str, str], list[int]]
    ) -> list[tuple[str, str]]:
        rng = self.rng
        created = self.now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        item_id = f"@bench{n:05d}{uuid.uuid4().hex[:12]}"
        self.items_of[account_id].append((item_id, created))
        reach = rng.lognormvariate(8, 1.1) * (6 if rng.random() < 0.12 else 1)
        tau_h, rates = rng.uniform(6, 48), (rng.uniform(0.03, 0.08), rng.uniform(0.003, 0.008))
        ours = rng.random() < 0.6
        kind = rng.choice(KINDS) if ours else "external"
        content_id = str(uuid.uuid4()) if ours else None
        latest = counts(reach, tau_h, rates, (self.now - created).total_seconds() / 3600)
        self.rows["douyin_items"].append(
            {
                "id": str(uuid.uuid4()),
                "tenant_id": self.tenant_id,
                "account_id": account_id,
                "item_id": item_id,
                "content_id": content_id,
                "content_kind": kind,
                "title": f"基准作品 {n}",
                "media_type": 2,
                "video_status": 5,
                "share_url": "",
                "created_on_douyin": created,
                "first_seen_at": created,
                "last_captured_at": self.now,
                **{f"{k}_count": v for k, v in latest.items()},
            }
        )
        for moment in capture_times(created, self.now):
            age_h = (moment - created).total_seconds() / 3600
            values = counts(reach, tau_h, rates, age_h)
            self.rows["metric_snapshots"].append(
                {
                    "tenant_id": self.tenant_id,
                    "account_id": account_id,
                    "item_id": item_id,
                    "captured_at": moment,
                    "bucket": moment,
                    "age_seconds": int(age_h * 3600),
                    "raw": {"item_id": item_id, "statistics": {f"{k}_count": v for k, v in values.items()}},
                    **{f"{k}_count": v for k, v in values.items()},
                }
            )
        self._days(item_id, account_id, kind, created, reach, tau_h, rates, rollup)
        if content_id is None:
            return []
        self._content(content_id, kind, created, account_id, item_id)
        return [(content_id, item_id)]

    def _days(
        self, item_id: str, account_id: str, kind: str, created: datetime, reach: float, tau_h: float,
        rates: tuple[float, float], rollup: dict[tuple[date, str, str], list[int]],
    ) -> None:  # fmt: skip
        """One row per local day with the day's growth, as the sync's rollup writes it."""
        day, last_day = created.astimezone(ZONE).date(), self.now.astimezone(ZONE).date()
        previous = dict.fromkeys(STATS, 0)
        while day <= last_day:
            end = min(datetime.combine(day + timedelta(days=1), datetime.min.time(), ZONE), self.now)
            values = counts(reach, tau_h, rates, max((end - created).total_seconds(), 0) / 3600)
            growth = [values[k] - previous[k] for k in STATS]
            previous = values
            if any(growth):
                self.rows["metric_daily"].append(
                    {
                        "tenant_id": self.tenant_id,
                        "item_id": item_id,
                        "day": day,
                        "account_id": account_id,
                        **dict(zip(STATS, growth, strict=True)),
                    }
                )
                sums = rollup[(day, account_id, kind)]
                rollup[(day, account_id, kind)] = [a + b for a, b in zip(sums, growth, strict=True)]
            day += timedelta(days=1)

    def _content(self, content_id: str, kind: str, created: datetime, account_id: str, item_id: str) -> None:
        moment = created - timedelta(hours=1)
        self.rows["contents"].append(
            {
                "id": content_id,
                "tenant_id": self.tenant_id,
                "kind": kind,
                "status": "published",
                "title": "基准内容",
                "topic": "基准",
                "created_by": "bench",
                "compliance": {"passed": True},
                "created_at": moment,
                "updated_at": moment,
                "current_version": 1,
            }
        )
        failed = self.rng.random() < 0.1
        self.rows["publishes"].append(
            {
                "id": str(uuid.uuid4()),
                "tenant_id": self.tenant_id,
                "content_id": content_id,
                "account_id": account_id,
                "workflow_id": f"publish-{content_id}-{account_id}",
                "status": "published",
                "item_id": item_id,
                "history": [],
                "created_by": "bench",
                "created_at": moment,
                "updated_at": moment,
            }
        )
        if failed:
            self.rows["publishes"].append(
                {
                    "id": str(uuid.uuid4()),
                    "tenant_id": self.tenant_id,
                    "content_id": content_id,
                    "account_id": account_id,
                    "workflow_id": f"publish-{content_id}-{account_id}-x",
                    "status": "failed",
                    "item_id": None,
                    "history": [],
                    "created_by": "bench",
                    "created_at": moment,
                    "updated_at": moment,
                }
            )

    def _drafts(self, count: int) -> None:
        for _ in range(count):
            moment = self.now - timedelta(seconds=self.rng.uniform(0, 365 * 86400))
            self.rows["contents"].append(
                {
                    "id": str(uuid.uuid4()),
                    "tenant_id": self.tenant_id,
                    "kind": self.rng.choice(("titles", "copywriting")),
                    "status": "draft",
                    "title": "草稿",
                    "topic": "基准",
                    "created_by": "bench",
                    "compliance": {"passed": True},
                    "created_at": moment,
                    "updated_at": moment,
                    "current_version": 1,
                }
            )

    def _replications(self, linked: list[tuple[str, str]], accounts: list[str]) -> None:
        for source_content, item_id in self.rng.sample(linked, min(40, len(linked) // 3)):
            variants = [content for content, _ in self.rng.sample(linked, 2)]
            moment = self.now - timedelta(seconds=self.rng.uniform(0, 300 * 86400))
            self.rows["replications"].append(
                {
                    "id": str(uuid.uuid4()),
                    "tenant_id": self.tenant_id,
                    "account_id": self.rng.choice(accounts),
                    "source_item_id": item_id,
                    "source_content_id": source_content,
                    "workflow_id": f"replicate-{self.tenant_id}-{item_id}",
                    "status": "done",
                    "hit": {"ratio": round(self.rng.uniform(3, 9), 2)},
                    "hook": {},
                    "variant_content_ids": variants,
                    "rejected": [],
                    "auto_schedule": "not_requested",
                    "created_at": moment,
                }
            )


TABLES: dict[str, Table] = {
    name: Base.metadata.tables[name]
    for name in (
        "douyin_accounts",
        "contents",
        "publishes",
        "douyin_items",
        "metric_snapshots",
        "metric_daily",
        "metric_rollups",
        "replications",
        "customers",
        "conversations",
        "conversation_sessions",
        "customer_events",
        "comments",
        "leads",
        "deals",
        "funnel_days",
    )
}


async def bulk_insert(engine: AsyncEngine, *tenants: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Every tenant's rows (the first is the one measured), then ANALYZE; the first tenant's counts."""
    async with engine.begin() as connection:
        for rows in tenants:
            for name, table in TABLES.items():
                for start in range(0, len(rows[name]), CHUNK):
                    await connection.execute(insert(table), rows[name][start : start + CHUNK])
        await connection.execute(text("ANALYZE"))
    rows = tenants[0]
    async with engine.connect() as connection:
        snapshots = await connection.scalar(select(func.count()).select_from(TABLES["metric_snapshots"]))
    return {name: len(rows[name]) for name in TABLES} | {"snapshots_in_db": int(snapshots or 0)}


async def measure(
    http: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str], calls: int
) -> dict[str, float]:
    for _ in range(5):  # warm-up: connections, caches, the query planner
        (await http.get("/api/v1/dashboard", params=params, headers=headers)).raise_for_status()
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        response = await http.get("/api/v1/dashboard", params=params, headers=headers)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
    return {
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000,
    }


async def bench_backend(
    label: str, url: str, temporal_address: str, args: argparse.Namespace
) -> dict[str, Any]:
    items, calls = args.items, args.calls
    tmp = Path(tempfile.mkdtemp(prefix="douflow-dashboard-"))
    upgrade(url)
    settings = make_settings(tmp, url, temporal_address)
    engine = create_engine(url)
    try:
        with bff_process(settings) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
                user = await user_with_token(
                    http, create_sessionmaker(engine), f"bench-{uuid.uuid4().hex[:8]}", "analyst", "viewer"
                )
                began = time.perf_counter()
                ours = Seeder(user.tenant_id, items).with_customers(
                    user.user_id, args.conversations, args.events
                )
                others = [
                    Seeder(str(uuid.uuid4()), items // 5, seed=100 + n).with_customers(
                        None, args.conversations // 5, args.events // 5
                    )
                    for n in range(args.others)
                ]
                seeded = await bulk_insert(engine, ours, *others)
                seeded["other_tenants"] = args.others
                seed_seconds = time.perf_counter() - began
                today = datetime.now(ZONE).date()
                year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
                sample = (await http.get("/api/v1/dashboard", params=year, headers=user.headers)).json()
                account = sample["engagement"]["by_account"][0]["key"]
                scenarios = {
                    "year": year,
                    "year_by_week": year | {"period": "week"},
                    "year_one_account": year | {"account_id": account},
                    "last_30_days": {},
                }
                results = {
                    name: await measure(http, user.headers, params, calls)
                    for name, params in scenarios.items()
                }
    finally:
        await engine.dispose()
    return {
        "backend": label,
        "seeded": seeded,
        "seed_seconds": round(seed_seconds, 1),
        "calls": calls,
        "scenarios": results,
        "year_totals": sample["engagement"]["totals"],
        "year_funnel": sample["customers"]["funnel"],
        "year_first_response": sample["customers"]["first_response"],
    }


def report(runs: list[dict[str, Any]]) -> str:
    lines = ["review dashboard, GET /api/v1/dashboard through the BFF (own process), one tenant:"]
    for run in runs:
        seeded = run["seeded"]
        lines.append(
            f"\n{run['backend']}: {seeded['douyin_items']} items, {seeded['snapshots_in_db']} snapshots, "
            f"{seeded['metric_daily']} item-days, {seeded['metric_rollups']} rollup rows, "
            f"{seeded['contents']} contents, {seeded['publishes']} publishes; {seeded['conversations']} "
            f"conversations, {seeded['conversation_sessions']} openings, {seeded['customer_events']} events, "
            f"{seeded['comments']} comments, {seeded['leads']} leads, {seeded['deals']} deals "
            f"({seeded['funnel_days']} rollup rows); "
            f"{seeded['other_tenants']} other tenants a fifth as large (seeded in {run['seed_seconds']} s)"
        )
        lines.append(f"  year funnel: {run['year_funnel']}")
        lines.append(f"  {'scenario':<18} {'p50':>8} {'p95':>8} {'max':>8}   ({run['calls']} calls each)")
        for name, numbers in run["scenarios"].items():
            lines.append(
                f"  {name:<18} {numbers['p50_ms']:>6.1f}ms {numbers['p95_ms']:>6.1f}ms {numbers['max_ms']:>6.1f}ms"
            )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--others", type=int, default=2, help="other tenants, each a fifth as large")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--postgres", help="e.g. postgresql+psycopg://user:pw@127.0.0.1:5432/douflow_bench")
    args = parser.parse_args()
    env = await start_dev_server()
    address = env.client.service_client.config.target_host
    try:
        tmp = Path(tempfile.mkdtemp(prefix="douflow-dashboard-db-"))
        runs = [await bench_backend("SQLite", f"sqlite+aiosqlite:///{tmp / 'bench.db'}", address, args)]
        if args.postgres:
            runs.append(await bench_backend("PostgreSQL", args.postgres, address, args))
    finally:
        await env.shutdown()
    print(report(runs))
    save(runs)


def save(runs: list[dict[str, Any]]) -> None:
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(runs, indent=2, default=str))


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The Temporal SDK can crash at interpreter exit (sdk-python #300); leave without running finalisers.
    os._exit(0)
