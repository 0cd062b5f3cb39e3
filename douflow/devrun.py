"""`make run`: the whole system on embedded defaults, in one terminal, stopped by Ctrl-C.

Starts the Temporal dev server (web UI included), the Douyin sandbox, the worker and the BFF as child
processes, waits until each answers, and prints where to go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from douflow.agent_provider import describe_agent_provider
from douflow.bootstrap import bootstrap
from douflow.console_build import build_console
from douflow.logging import configure_logging
from douflow.settings import DEV_DEMO_PASSWORD, Settings, get_settings
from douflow.temporal import codec
from douflow.temporal.client import (
    connect_temporal,
    dev_server_search_attribute_args,
    ensure_search_attributes,
)

log = logging.getLogger("douflow.dev")
BIN = Path(sys.executable).parent


def temporal_command(settings: Settings) -> list[str]:
    host, port = settings.temporal_address.rsplit(":", 1)
    return [
        str(BIN / "temporal"), "server", "start-dev",
        "--db-filename", str(settings.data_dir / "temporal.db"),
        "--ip", host, "--port", port, "--ui-port", str(settings.temporal_ui_port),
        "--ui-disable-news-fetch", "--log-level", "error",
        # Payloads are encrypted: the UI decodes them through the BFF (routers/codec.py) for those allowed.
        "--ui-codec-endpoint", settings.public_base_url + codec.SERVER_PATH,
        # Lower latency for a single-node dev server (TEMPORAL.md); WAL without fsync trades
        # durability on power loss, acceptable for development only.
        "--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000",
        "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=off",
        *dev_server_search_attribute_args(),
    ]  # fmt: skip


def service_commands(settings: Settings) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "douyin-sandbox": [
            py, "-m", "douyin_sandbox", "--host", "127.0.0.1", "--port", str(settings.douyin_sandbox_port),
            "--state-file", str(settings.data_dir / "douyin-sandbox.json"),
        ],
        "worker": [py, "worker.py"],
        "gateway-bff": [
            py, "-m", "uvicorn", "api.gateway_bff.app:create_app", "--factory",
            "--host", settings.bff_host, "--port", str(settings.bff_port), "--log-level", "warning",
            # Open event streams never finish by themselves: a stop waits this long for them, then ends them.
            "--timeout-graceful-shutdown", "5",
        ],
    }  # fmt: skip


class Supervisor:
    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str]) -> None:
        log.info("starting %s", name)
        self.children[name] = subprocess.Popen(command, start_new_session=True)

    def dead(self) -> list[str]:
        return [name for name, proc in self.children.items() if proc.poll() is not None]

    def stop(self) -> None:
        for name, proc in reversed(list(self.children.items())):
            if proc.poll() is None:
                log.info("stopping %s", name)
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            if proc.poll() is None:
                proc.kill()


async def wait_http(url: str, supervisor: Supervisor, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if supervisor.dead():
                raise RuntimeError(f"{', '.join(supervisor.dead())} exited during start-up")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url)).status_code < 500:
                    return
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


async def wait_temporal(settings: Settings, supervisor: Supervisor) -> None:
    deadline = time.monotonic() + 60
    while True:
        if supervisor.dead():
            raise RuntimeError("the Temporal dev server exited during start-up (is port 7233 taken?)")
        try:
            client = await connect_temporal(settings)
            await ensure_search_attributes(client, settings.temporal_namespace)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


def console_environment(settings: Settings, console_built: bool) -> dict[str, str]:
    """What the services need to know of the console: with it built, a Douyin binding comes back to its
    accounts page (unless DOUYIN_BIND_RETURN_URL names another place) rather than to the BFF's own page."""
    if not console_built or settings.douyin_bind_return_url:
        return {}
    return {"DOUYIN_BIND_RETURN_URL": f"{settings.public_base_url.rstrip('/')}/accounts"}


def banner(settings: Settings, console_built: bool = True) -> str:
    password = settings.douflow_demo_password.get_secret_value()
    shown = (
        f"{password}  (the default; set DOUFLOW_DEMO_PASSWORD)"
        if password == DEV_DEMO_PASSWORD
        else "<DOUFLOW_DEMO_PASSWORD>"
    )
    return "\n".join(
        [
            "",
            "DouFlow is running.",
            f"  Console                : {settings.public_base_url}/"
            + ("" if console_built else "  (not built: install Node.js and npm, then `make web`)"),
            f"  API docs (gateway-bff) : {settings.public_base_url}/docs",
            f"  Temporal UI            : http://127.0.0.1:{settings.temporal_ui_port}",
            f"  Douyin sandbox         : http://127.0.0.1:{settings.douyin_sandbox_port}/sandbox/admin/users",
            f"  Log in                 : tenant '{settings.demo_tenant}', user 'admin', password {shown}",
            f"  Agent provider         : {describe_agent_provider(settings)}",
            "  Press Ctrl-C to stop everything.",
            "",
        ]
    )


async def run(settings: Settings, supervisor: Supervisor, stop: asyncio.Event) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Before the services: a failed build stops here, with npm's own output above.
    console_built = await asyncio.to_thread(build_console, settings.web_dist_dir)
    # The children inherit this process's environment.
    os.environ.update(console_environment(settings, console_built))
    await bootstrap(settings)
    supervisor.start("temporal", temporal_command(settings))
    await wait_temporal(settings, supervisor)
    for name, command in service_commands(settings).items():
        supervisor.start(name, command)
    await wait_http(f"http://127.0.0.1:{settings.douyin_sandbox_port}/sandbox/admin/users", supervisor)
    await wait_http(f"http://{settings.bff_host}:{settings.bff_port}/healthz", supervisor)
    sys.stdout.write(banner(settings, console_built))
    sys.stdout.flush()
    while not stop.is_set():
        if dead := supervisor.dead():
            raise RuntimeError(f"{', '.join(dead)} stopped unexpectedly")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1)


def main() -> None:
    configure_logging()
    settings = get_settings()
    supervisor = Supervisor()
    code = 0

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, supervisor, stop)

    try:
        asyncio.run(runner())
    except Exception as exc:
        log.error("%s", exc)
        code = 1
    finally:
        supervisor.stop()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    main()
