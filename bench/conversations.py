"""Customer conversations (seed 10): webhook acknowledgement, reply latency against a floor, 10 000 open runs.

Own dev server, own sandbox, the worker and the BFF as their own processes; template provider, debounce 0.
The tenant binds the sandbox's enterprise account and holds one FAQ entry the customers' question matches,
so the bot answers (never hands off). Three measurements in one run:

- ack: signed `im_receive_msg` deliveries POSTed straight to the BFF's webhook at a steady rate, each from
  its own customer (a message stored in the sandbox first, so the bot's reply is a valid one); the time each
  POST takes to be answered;
- reply: a customer's message sent through the sandbox → the bot's reply's `created_at` in the sandbox's chat
  view, at 1, 10 and 50 concurrent conversations, next to a floor: a bare workflow running as many no-op
  activities (five: record, knowledge, decide, compliance, send) on an in-process worker;
- open: many conversation runs parked by signal-with-start through the BFF's own path (`to_conversation`,
  an echo of our own send: no activity), the worker's RSS before and after, and the reply latency of early
  conversations (evicted from the worker's cache) against the latest one (cached).

    .venv/bin/python bench/conversations.py [--quick] [--json] [--open 10000] [--ack-rate 100 --ack-seconds 10]
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
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from api.gateway_bff.conversation_events import SENT, to_conversation
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.settings import Settings
from douflow.temporal.client import connect_temporal
from douflow.testing.processes import bff_process, worker_process
from douflow.testing.temporal_server import start_dev_server
from douyin_sandbox import ids as sandbox_ids
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from douyin_sandbox.webhooks import signature
from tests.conftest import make_settings
from tests.support.auth import user_with_token
from tests.support.publishing import bind_account

ACCOUNT = SANDBOX_USERS[0].open_id
QUESTION = "请问你们几点开门呀"
ANSWER = "门店每天10:00-22:00营业，节假日照常营业。"
# A customer's later message runs these activities before the reply is out: record it, knowledge, decide,
# compliance, send (the first one also opens the conversation and sets its state).
REPLY_ACTIVITIES = 5
FLOOR_QUEUE = "bench-conversation-floor"
log = logging.getLogger("bench.conversations")
REPLY_TIMEOUT = 120.0
DRAIN_TIMEOUT = 1200.0
SERIAL_WEBHOOKS = 20


@dataclass
class Scale:
    ack_rate: int
    ack_seconds: float
    levels: tuple[int, ...]
    rounds: int
    open_runs: int
    samples: int


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


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# -- the floor ------------------------------------------------------------------------------------------


@activity.defn(name="bench_floor_step")
async def floor_step(step: int) -> float:
    """When it ran: the floor ends at its last activity, as a reply is out when the send activity stored it."""
    return time.time()


@workflow.defn(name="BenchConversationFloor")
class FloorWorkflow:
    """As many activities, one after another, as a conversation runs from a message to its reply."""

    @workflow.run
    async def run(self, steps: int) -> float:
        ran = 0.0
        for step in range(steps):
            ran = await workflow.execute_activity(
                floor_step, step, start_to_close_timeout=timedelta(seconds=30)
            )
        return ran


async def floor_level(client: Client, concurrency: int, rounds: int) -> dict[str, float]:
    async def one() -> float:
        began = time.time()
        ran = await client.execute_workflow(
            FloorWorkflow.run, REPLY_ACTIVITIES, id=f"floor-{uuid.uuid4().hex}", task_queue=FLOOR_QUEUE
        )
        return (ran - began) * 1000

    times: list[float] = []
    for _ in range(rounds):
        times += await asyncio.gather(*(one() for _ in range(concurrency)))
    return summary(times)


# -- customers writing through the sandbox --------------------------------------------------------------


class Customer:
    """One customer of the account; the reply latency is read from the sandbox's chat view."""

    def __init__(self, sandbox: RunningSandbox, name: str) -> None:
        self.sandbox, self.open_id = sandbox, f"bench-{name}-{uuid.uuid4().hex[:8]}"
        self.conversation: str | None = None
        self.replies = 0

    async def ask(self, poll: float) -> float:
        """Writes the question; ms from the send to the reply's `created_at` on the sandbox clock."""
        sent_at = time.time()
        sent = await self.sandbox.im_receive(
            ACCOUNT, QUESTION, from_open_id=self.open_id, conversation_id=self.conversation
        )
        self.conversation = sent["content"]["conversation_short_id"]
        self.replies += 1
        reply = await self._reply(poll)
        if reply["text"] != ANSWER:
            raise RuntimeError(f"{self.open_id}: the bot did not answer from the FAQ: {reply['text']!r}")
        return (float(reply["created_at"]) - sent_at) * 1000

    async def _reply(self, poll: float) -> dict[str, Any]:
        assert self.conversation is not None
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            await asyncio.sleep(poll)
            sent = [m for m in await self.sandbox.im_messages(self.conversation) if m["direction"] == "sent"]
            if len(sent) >= self.replies:
                return sent[self.replies - 1]
        raise TimeoutError(f"no reply to {self.open_id} within {REPLY_TIMEOUT:.0f} s")


async def reply_level(sandbox: RunningSandbox, concurrency: int, rounds: int) -> dict[str, Any]:
    poll = max(0.02, 0.005 * concurrency)  # the latency comes from created_at; polling only costs CPU
    customers = [Customer(sandbox, f"c{concurrency}-{i}") for i in range(concurrency)]
    first = await asyncio.gather(*(c.ask(poll) for c in customers))
    later: list[float] = []
    for _ in range(rounds):
        later += await asyncio.gather(*(c.ask(poll) for c in customers))
    return {"concurrency": concurrency, "first": summary(list(first)), "later": summary(later)}


# -- webhook acknowledgement ----------------------------------------------------------------------------


async def stored_messages(sandbox: RunningSandbox, count: int) -> list[tuple[str, dict[str, Any]]]:
    """`count` customers' messages stored in the sandbox while it delivers no webhook: (customer, content)."""
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> tuple[str, dict[str, Any]]:
        customer = f"bench-ack-{i}-{uuid.uuid4().hex[:8]}"
        async with gate:
            sent = await sandbox.im_receive(ACCOUNT, QUESTION, from_open_id=customer)
        return customer, sent["content"]

    return list(await asyncio.gather(*(one(i) for i in range(count))))


def signed(settings: Settings, customer: str, content: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    envelope = {
        "event": "im_receive_msg",
        "client_key": settings.douyin_client_key,
        "from_user_id": customer,
        "to_user_id": ACCOUNT,
        "log_id": sandbox_ids.log_id(time.time()),
        "content": content,
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    secret = settings.douyin_client_secret.get_secret_value()
    headers = {
        "Content-Type": "application/json",
        "X-Douyin-Signature": signature(secret, body),
        "Msg-Id": uuid.uuid4().hex,
    }
    return body, headers


async def ack_load(
    base_url: str, settings: Settings, messages: list[tuple[str, dict[str, Any]]], rate: int
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
        began = time.perf_counter()

        async def one(i: int, customer: str, content: dict[str, Any]) -> tuple[float, float, int]:
            await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
            late = (time.perf_counter() - began - i / rate) * 1000
            body, headers = signed(settings, customer, content)
            start = time.perf_counter()
            response = await http.post("/api/v1/douyin/webhook", content=body, headers=headers)
            return (time.perf_counter() - start) * 1000, late, response.status_code

        results = await asyncio.gather(*(one(i, c, m) for i, (c, m) in enumerate(messages)))
        elapsed = time.perf_counter() - began
    statuses: dict[str, int] = {}
    for _, _, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "rate": rate,
        "sent": len(results),
        "achieved_per_s": len(results) / elapsed,
        "statuses": statuses,
        "ack": summary([r[0] for r in results]),
        "client_lateness_p99_ms": percentile([r[1] for r in results], 0.99),
    }


async def ack_serial(
    base_url: str, settings: Settings, messages: list[tuple[str, dict[str, Any]]]
) -> dict[str, float]:
    """One delivery at a time: what a single acknowledgement costs with no queue in front of it."""
    times = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        for customer, content in messages:
            body, headers = signed(settings, customer, content)
            start = time.perf_counter()
            (await http.post("/api/v1/douyin/webhook", content=body, headers=headers)).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return summary(times)


async def drained(sandbox: RunningSandbox, messages: list[tuple[str, dict[str, Any]]]) -> tuple[float, int]:
    """Seconds until every acknowledged message has its reply in the sandbox (at most DRAIN_TIMEOUT), and how
    many still had none then."""
    began = time.perf_counter()
    waiting = [m["conversation_short_id"] for _, m in messages]
    gate = asyncio.Semaphore(8)

    async def answered(conversation: str) -> bool:
        async with gate:
            return any(m["direction"] == "sent" for m in await sandbox.im_messages(conversation))

    while waiting and time.perf_counter() - began < DRAIN_TIMEOUT:
        done = await asyncio.gather(*(answered(c) for c in waiting))
        waiting = [c for c, ok in zip(waiting, done, strict=True) if not ok]
        if waiting:
            await asyncio.sleep(1)
    return time.perf_counter() - began, len(waiting)


# -- many open conversations ----------------------------------------------------------------------------


async def park(
    sessionmaker: async_sessionmaker[AsyncSession], client: Client, settings: Settings, count: int
) -> tuple[float, str]:
    """Starts `count` conversation runs the way the BFF does, each left waiting for its customer; (s, last id)."""
    gate = asyncio.Semaphore(32)
    last = ""

    async def one(i: int) -> None:
        nonlocal last
        customer = f"bench-open-{i}-{uuid.uuid4().hex[:8]}"
        echo = {"server_message_id": uuid.uuid4().hex, "conversation_short_id": customer,
                "source": settings.douyin_client_key, "text": "", "create_time": int(time.time() * 1000)}  # fmt: skip
        async with gate, sessionmaker() as session:
            workflow_id = await to_conversation(session, client, settings, SENT, (ACCOUNT, customer), echo)
        last = workflow_id or last

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return time.perf_counter() - began, last


async def taken_up(client: Client, workflow_id: str) -> None:
    """Until the run's first workflow task is done (the worker has reached the end of the queue)."""
    for _ in range(1200):
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        if any(e.HasField("workflow_task_completed_event_attributes") for e in history.events):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{workflow_id} was never taken up")


async def open_runs(
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    settings: Settings,
    worker_pid: int,
    scale: Scale,
) -> dict[str, Any]:
    early = [Customer(sandbox, f"early-{i}") for i in range(scale.samples)]
    for customer in early:
        await customer.ask(0.02)
    rss_before = rss_kib(worker_pid)
    log.info("worker RSS %d KiB; parking %d runs", rss_before, scale.open_runs)
    seconds, last = await park(sessionmaker, client, settings, scale.open_runs)
    await taken_up(client, last)
    await asyncio.sleep(2)
    rss_after = rss_kib(worker_pid)
    latest = Customer(sandbox, "latest")
    await latest.ask(0.02)
    cached = [await latest.ask(0.02) for _ in range(scale.samples)]
    evicted = [await customer.ask(0.02) for customer in early]
    return {
        "open_runs": scale.open_runs,
        "started_per_s": scale.open_runs / seconds,
        "worker_rss_before_mib": rss_before / 1024,
        "worker_rss_after_mib": rss_after / 1024,
        "cached_reply_ms": cached,
        "evicted_reply_ms": evicted,
        "load_after": load(),
    }


# -- the run --------------------------------------------------------------------------------------------


async def prepared(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox
) -> None:  # fmt: skip
    operator = await user_with_token(http, sessionmaker, "bench", "otto", "operator")
    await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, ACCOUNT)
    entry = {"question": "你们营业时间是几点到几点？", "variants": ["几点开门", "几点关门"], "answer": ANSWER}
    created = await http.post("/api/v1/knowledge", json=entry, headers=operator.headers)
    created.raise_for_status()


async def timed(step: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    before = load()
    result = await step()
    return result | {"load_before": before, "load_after": load()}


async def bench(scale: Scale) -> dict[str, Any]:
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp(prefix="douflow-bench-conversations-"))
    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    results: dict[str, Any] = {"scale": asdict(scale), "max_cached_workflows": default_cache_size()}
    try:
        async with running_sandbox(SandboxConfig()) as sandbox:
            settings = make_settings(
                tmp, url, env.client.service_client.config.target_host,
                douyin_base_url=sandbox.base_url, douyin_client_key=sandbox.config.client_key,
                douyin_client_secret=sandbox.config.client_secret,
            )  # fmt: skip
            client = await connect_temporal(settings)
            floor_worker = Worker(env.client, task_queue=FLOOR_QUEUE, workflows=[FloorWorkflow],
                                  activities=[floor_step], workflow_runner=UnsandboxedWorkflowRunner())  # fmt: skip
            with worker_process(settings) as worker, bff_process(settings) as base_url:
                async with floor_worker, httpx.AsyncClient(base_url=base_url, timeout=120) as http:
                    await prepared(http, sessionmaker, settings, sandbox)
                    await measure(sandbox, sessionmaker, client, env.client, settings, base_url, worker.pid,
                                  results)  # fmt: skip
    finally:
        await engine.dispose()
        await env.shutdown()
    return results


async def measure(
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: Client,
    floor_client: Client,
    settings: Settings,
    base_url: str,
    worker_pid: int,
    results: dict[str, Any],
) -> None:
    """Fills `results` phase by phase, saving after each, so a run cut short keeps what it measured."""
    scale = Scale(**results["scale"])
    count = round(scale.ack_rate * scale.ack_seconds)
    log.info("storing %d customers' messages in the sandbox", SERIAL_WEBHOOKS + count)
    messages = await stored_messages(sandbox, SERIAL_WEBHOOKS + count)
    await sandbox.update_config(webhook_targets=[f"{base_url}/api/v1/douyin/webhook"])
    serial = await ack_serial(base_url, settings, messages[:SERIAL_WEBHOOKS])
    await drained(sandbox, messages[:SERIAL_WEBHOOKS])
    log.info("one at a time: p50 %.1f ms; now %d/s", serial["p50_ms"], scale.ack_rate)
    ack = await timed(lambda: ack_load(base_url, settings, messages[SERIAL_WEBHOOKS:], scale.ack_rate))
    log.info("acknowledged: p99 %.1f ms; waiting for every reply", ack["ack"]["p99_ms"])
    ack["replies_drained_s"], ack["replies_missing"] = await drained(sandbox, messages[SERIAL_WEBHOOKS:])
    results["ack"] = ack | {"one_at_a_time": serial}
    save(results)
    await reply_level(sandbox, 2, 1)  # warm-up
    results["replies"] = []
    for level in scale.levels:
        log.info("replies at %d concurrent conversations", level)
        row = await timed(lambda level=level: reply_level(sandbox, level, scale.rounds))  # type: ignore[misc]
        row["floor"] = await floor_level(floor_client, level, scale.rounds)
        results["replies"].append(row)
        save(results)
    log.info("%d open conversation runs", scale.open_runs)
    results["open"] = await open_runs(sandbox, sessionmaker, client, settings, worker_pid, scale)
    save(results)


def save(results: dict[str, Any]) -> None:
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "conversations.json").write_text(json.dumps(results, indent=2))


def default_cache_size() -> int:
    default = inspect.signature(Worker.__init__).parameters["max_cached_workflows"].default
    return int(default)


def report(results: dict[str, Any]) -> str:
    ack, opened = results["ack"], results["open"]
    a = ack["ack"]
    lines = [
        f"webhook ack: {ack['sent']} im_receive_msg at {ack['rate']}/s (achieved {ack['achieved_per_s']:.0f}/s), "
        f"statuses {ack['statuses']}: p50 {a['p50_ms']:.1f} ms, p99 {a['p99_ms']:.1f} ms, max {a['max_ms']:.0f} ms "
        f"(target p99 ≤ 50 ms); load {ack['load_after']}",
        f"  one at a time before: p50 {ack['one_at_a_time']['p50_ms']:.1f} ms, p99 "
        f"{ack['one_at_a_time']['p99_ms']:.1f} ms; every reply out {ack['replies_drained_s']:.0f} s after the "
        f"last acknowledgement ({ack['replies_missing']} without one)",
        "",
        "customer message → bot reply in the sandbox (ms); floor: a bare workflow of "
        f"{REPLY_ACTIVITIES} no-op activities",
        f"{'conc':>4} | {'first p50':>9} | {'reply p50':>9} {'p95':>7} {'n':>4} | {'floor p50':>9} {'p95':>7} | load",
    ]
    for r in results["replies"]:
        later, floor = r["later"], r["floor"]
        lines.append(
            f"{r['concurrency']:>4} | {r['first']['p50_ms']:>9.0f} | {later['p50_ms']:>9.0f} {later['p95_ms']:>7.0f} "
            f"{later['n']:>4} | {floor['p50_ms']:>9.0f} {floor['p95_ms']:>7.0f} | {r['load_after']}"
        )
    lines += [
        "",
        f"{opened['open_runs']} open conversation runs ({opened['started_per_s']:.0f} started/s), worker cache "
        f"max_cached_workflows={results['max_cached_workflows']} (SDK default): worker RSS "
        f"{opened['worker_rss_before_mib']:.0f} → {opened['worker_rss_after_mib']:.0f} MiB",
        "reply ms, cached (latest): " + ", ".join(f"{v:.0f}" for v in opened["cached_reply_ms"])
        + " | evicted (early): " + ", ".join(f"{v:.0f}" for v in opened["evicted_reply_ms"])
        + f" | load {opened['load_after']}",
    ]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 webhooks, 1 000 open runs, fewer rounds")
    parser.add_argument("--ack-rate", type=int, default=100)
    parser.add_argument("--ack-seconds", type=float, default=None)
    parser.add_argument("--open", type=int, default=None, help="open conversation runs (10 000; quick 1 000)")
    parser.add_argument("--rounds", type=int, default=None, help="messages per conversation per level")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    log.setLevel(logging.INFO)
    quick = args.quick
    scale = Scale(
        ack_rate=args.ack_rate,
        ack_seconds=args.ack_seconds or (3.0 if quick else 10.0),
        levels=(1, 10, 50),
        rounds=args.rounds or (3 if quick else 10),
        open_runs=args.open or (1000 if quick else 10_000),
        samples=3,
    )
    results = asyncio.run(bench(scale))
    save(results)
    print(json.dumps(results, indent=2) if args.json else report(results))


if __name__ == "__main__":
    main()
