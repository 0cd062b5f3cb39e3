"""The operator console's weight and speed, measured in headless Chromium against the whole system.

- initial JavaScript of the login and create pages: the `/assets/*.js` files the browser loaded to render
  each page, gzipped (level 6; target <= 350 KB), and as the BFF sends them to Chromium (the build's brotli
  copies, web/precompress.ts);
- time from navigation to a usable create page (its generate button shown and enabled), by the page's own
  clock, in a fresh browser context (cold cache) and again in the same context (warm); target p50 <= 1 s;
- the inbox showing a new customer message: logged in through the login page with the sandbox's enterprise
  account bound and one conversation open (taken over), the time from just before the sandbox is asked to send
  a customer's message (its `im_receive_msg` webhook) until the text shows in the transcript, both by the
  driver's clock (`web/scripts/inbox-timing.mjs`); p50/p95/max, target p50 <= 1 s.

Starts `python -m douflow.devrun` (which builds the console first) on free ports with temporary state, or
measures a running system named by --base-url (whose sandbox delivers its webhooks to that BFF).

    .venv/bin/python bench/console.py [--runs 10] [--inbox-runs 20] [--only pages|inbox]
        [--base-url http://127.0.0.1:8000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import contextlib
import gzip
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator

import httpx

from douflow.settings import DEV_DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
TARGET_JS_KB = 350
TARGET_USABLE_MS = 1000
TARGET_INBOX_MS = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_system(dist: Path) -> Iterator[str]:
    """The whole system as `make run` starts it, on its own ports and temporary state."""
    bff, temporal, ui, sandbox = (free_port() for _ in range(4))
    with tempfile.TemporaryDirectory(prefix="douflow-bench-console-") as data:
        env = os.environ | {
            "DOUFLOW_ENV": "development",
            "DATA_DIR": data,
            "DATABASE_URL": f"sqlite+aiosqlite:///{data}/douflow.db",
            "MEDIA_DIR": f"{data}/media",
            "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal}",
            "TEMPORAL_UI_PORT": str(ui),
            "TASK_QUEUE_PREFIX": f"bench{bff}-",
            "BFF_PORT": str(bff),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{bff}",
            "DOUYIN_SANDBOX_PORT": str(sandbox),
            "DOUYIN_BASE_URL": f"http://127.0.0.1:{sandbox}",
            # The sandbox's webhooks (customer messages) reach this BFF, not the default port's.
            "DOUYIN_SANDBOX_WEBHOOK_URL": f"http://127.0.0.1:{bff}/api/v1/douyin/webhook",
            "WEB_DIST_DIR": str(dist),
            "AGENT_PROVIDER": "template",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "douflow.devrun"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{bff}"
        try:
            deadline = time.monotonic() + 240
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"douflow.devrun exited with {proc.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).json().get("status") == "ok":
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the system did not become healthy within 240 s")
                time.sleep(0.5)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def gzip_kb(dist: Path, scripts: list[str]) -> float:
    total = sum(len(gzip.compress((dist / s.lstrip("/")).read_bytes(), compresslevel=6)) for s in scripts)
    return total / 1024


def sent_kb(dist: Path, scripts: list[str]) -> float:
    """What the BFF sends a browser that takes brotli: the build's `.br` copy, or the file when it has none."""
    total = 0
    for script in scripts:
        path = dist / script.lstrip("/")
        brotli = path.with_name(path.name + ".br")
        total += (brotli if brotli.is_file() else path).stat().st_size
    return total / 1024


def p50(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: a value that was measured, at least `share` of the runs at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def password() -> str:
    return os.environ.get("DOUFLOW_DEMO_PASSWORD", DEV_DEMO_PASSWORD)


def measure(base: str, dist: Path, runs: int) -> dict[str, object]:
    token = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": "admin", "password": password()}
    ).json()["access_token"]
    out = subprocess.run(
        ["node", "scripts/console-timing.mjs", base, token, str(runs)],
        cwd=WEB,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    report: dict[str, object] = {}
    for page, data in raw.items():
        report[page] = {
            "initial_js_gzip_kb": round(gzip_kb(dist, data["scripts"]), 1),
            "initial_js_sent_brotli_kb": round(sent_kb(dist, data["scripts"]), 1),
            "js_files": len(data["scripts"]),
            "usable_cold_p50_ms": round(p50(data["cold_ms"]), 1),
            "usable_cold_max_ms": round(max(data["cold_ms"]), 1),
            "usable_warm_p50_ms": round(p50(data["warm_ms"]), 1),
        }
    return report


def measure_inbox(base: str, runs: int) -> dict[str, object]:
    """Customer message (sandbox webhook) -> its text visible in the open conversation, `runs` times."""
    out = subprocess.run(
        ["node", "scripts/inbox-timing.mjs", base, str(runs)],
        cwd=WEB,
        env=os.environ | {"DOUFLOW_DEMO_PASSWORD": password()},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    ms: list[float] = raw["ms"]
    return {
        "runs": len(ms),
        "runs_while_live": raw["live_runs"],
        "message_visible_p50_ms": round(p50(ms), 1),
        "message_visible_p95_ms": round(percentile(ms, 0.95), 1),
        "message_visible_max_ms": round(max(ms), 1),
    }


def measure_all(base: str, dist: Path, args: argparse.Namespace) -> dict[str, object]:
    report: dict[str, object] = {}
    if args.only in (None, "pages"):
        report |= measure(base, dist, args.runs)
    if args.only in (None, "inbox"):
        report["inbox"] = measure_inbox(base, args.inbox_runs)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--inbox-runs", type=int, default=20, help="customer messages timed in the inbox")
    parser.add_argument(
        "--only", choices=["pages", "inbox"], help="only the pages' or only the inbox's numbers"
    )
    parser.add_argument("--base-url", help="a running system whose console was built into --dist")
    parser.add_argument("--dist", type=Path, default=WEB / "dist")
    args = parser.parse_args()
    if args.base_url:
        report = measure_all(args.base_url, args.dist, args)
    else:
        with running_system(args.dist.resolve()) as base:
            report = measure_all(base, args.dist, args)
    report["targets"] = {
        "initial_js_gzip_kb": TARGET_JS_KB,
        "usable_create_p50_ms": TARGET_USABLE_MS,
        "inbox_message_visible_p50_ms": TARGET_INBOX_MS,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
