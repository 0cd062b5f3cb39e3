"""The worker and the BFF as separate processes, configured like production through the environment.

Benchmarks use it so the BFF does not share a CPU core's event loop with the worker it measures against.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from douflow.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that reproduces `settings` in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUYIN_", "OPENAI_", "IMAGE_"))}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        secret = getattr(settings, name)
        raw = secret.get_secret_value() if hasattr(secret, "get_secret_value") else value
        # pydantic-settings reads complex values (lists, dicts) from the environment as JSON.
        env[name.upper()] = json.dumps(raw) if isinstance(raw, list | dict) else str(raw)
    env["LOG_LEVEL"] = env.get("LOG_LEVEL", "WARNING")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def spawned(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def worker_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    with spawned([sys.executable, "worker.py"], settings_env(settings)) as proc:
        yield proc


@contextlib.contextmanager
def bff_process(settings: Settings) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "api.gateway_bff.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    with spawned(command, settings_env(settings)) as proc:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("the BFF exited during start-up")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the BFF did not answer /healthz")
            time.sleep(0.2)
        yield base_url
