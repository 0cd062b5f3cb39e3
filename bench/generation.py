"""Title generation through the BFF against the same workflow started by a raw Temporal client.

Both paths run against one dev server, one worker process and one database; the BFF runs in its own
process as in production, so the ratio is the BFF's own cost (HTTP, auth, validation, start + wait). Also measures that 5-platform copy with a
1-second model delay per platform takes about 1 second (parallel), not 5.

    .venv/bin/python bench/generation.py [--requests 200]
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
from collections.abc import Awaitable, Callable

import httpx

from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douflow.testing.processes import bff_process, worker_process
from douflow.testing.temporal_server import start_dev_server
from models.content import Actor
from models.generation import TitleRequest
from models.workflows import TitleGenerationInput, TitleGenerationResult
from tests.conftest import make_settings
from tests.support.auth import user_with_token
from tests.support.openai_server import running_openai_server
from tests.support.stack import running_stack

TOPICS = ["露营装备", "新手化妆", "家常菜谱", "通勤穿搭", "猫咪饮食", "健身计划", "旅行攻略", "理财入门"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def drive(call: Callable[[int], Awaitable[None]], total: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    counter = iter(range(total))

    async def lane() -> None:
        for i in counter:
            started = time.perf_counter()
            await call(i)
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "throughput_per_s": total / elapsed,
    }


async def bench_titles(requests: int) -> list[dict[str, object]]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-"))
    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    settings = make_settings(tmp, url, env.client.service_client.config.target_host)
    engine = create_engine(url)
    rows: list[dict[str, object]] = []
    try:
        with worker_process(settings), bff_process(settings) as base_url:
            async with httpx.AsyncClient(
                base_url=base_url, timeout=120, limits=httpx.Limits(max_connections=100)
            ) as http:
                user = await user_with_token(
                    http, create_sessionmaker(engine), "bench", "bencher", "operator"
                )
                actor = Actor(tenant_id=user.tenant_id, user_id=user.user_id)

                async def via_bff(i: int) -> None:
                    body = {"topic": TOPICS[i % len(TOPICS)], "count": 5}
                    response = await http.post("/api/v1/titles", json=body, headers=user.headers)
                    response.raise_for_status()

                async def via_client(i: int) -> None:
                    arg = TitleGenerationInput(
                        actor=actor, request=TitleRequest(topic=TOPICS[i % len(TOPICS)], count=5)
                    )
                    await env.client.execute_workflow(
                        "TitleGenerationWorkflow", arg, id=f"bench-raw-{uuid.uuid4().hex}",
                        task_queue=queue(settings, ORCHESTRATION), result_type=TitleGenerationResult,
                    )  # fmt: skip

                await drive(via_bff, 20, 5)  # warm-up: imports, connections, caches
                await drive(via_client, 20, 5)
                for concurrency in (1, 10, 50):
                    total = max(requests // (2 if concurrency == 1 else 1), concurrency * 2)
                    raw = await drive(via_client, total, concurrency)
                    bff = await drive(via_bff, total, concurrency)
                    rows.append({"concurrency": concurrency, "requests": total, "raw": raw, "bff": bff,
                                 "p50_ratio": bff["p50_ms"] / raw["p50_ms"]})  # fmt: skip
    finally:
        await engine.dispose()
        await env.shutdown()
    return rows


async def bench_parallel_copy() -> dict[str, float]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-"))
    url = f"sqlite+aiosqlite:///{tmp / 'copy.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        async with running_openai_server(delay_seconds=1.0) as model:
            settings = make_settings(
                tmp, url, env.client.service_client.config.target_host,
                agent_provider="openai", openai_base_url=model.base_url, openai_api_key="bench-key",
            )  # fmt: skip
            async with (
                running_stack(env.client, settings) as base_url,
                httpx.AsyncClient(base_url=base_url, timeout=120) as http,
            ):
                user = await user_with_token(http, create_sessionmaker(engine), "bench", "copier", "operator")
                timings: dict[str, float] = {}
                for label, platforms in (
                    ("1_platform_s", ["douyin"]),
                    ("5_platforms_s", ["douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou"]),
                ):
                    started = time.perf_counter()
                    response = await http.post(
                        "/api/v1/copywriting",
                        json={"topic": "家用咖啡机", "platforms": platforms},
                        headers=user.headers,
                    )
                    response.raise_for_status()
                    timings[label] = time.perf_counter() - started
                return timings
    finally:
        await engine.dispose()
        await env.shutdown()


def report(rows: list[dict[str, object]], copy: dict[str, float]) -> str:
    lines = ["title generation: raw Temporal client vs gateway-bff (same workflow, same run)",
             f"{'conc':>4} {'n':>5} | {'raw p50':>8} {'raw p95':>8} {'raw/s':>7} | {'bff p50':>8} {'bff p95':>8} {'bff/s':>7} | p50 ratio"]  # fmt: skip
    for row in rows:
        raw, bff = row["raw"], row["bff"]
        assert isinstance(raw, dict) and isinstance(bff, dict)
        lines.append(
            f"{row['concurrency']:>4} {row['requests']:>5} | {raw['p50_ms']:>6.0f}ms {raw['p95_ms']:>6.0f}ms {raw['throughput_per_s']:>7.1f} | "
            f"{bff['p50_ms']:>6.0f}ms {bff['p95_ms']:>6.0f}ms {bff['throughput_per_s']:>7.1f} | {row['p50_ratio']:.2f}x"
        )
    lines.append("")
    lines.append(f"copywriting with a 1 s model delay per platform: 1 platform {copy['1_platform_s']:.2f} s, "
                 f"5 platforms {copy['5_platforms_s']:.2f} s")  # fmt: skip
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rows = await bench_titles(args.requests)
    copy = await bench_parallel_copy()
    print(report(rows, copy))
    save({"titles": rows, "copy": copy})


def save(results: dict[str, object]) -> None:
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "generation.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
