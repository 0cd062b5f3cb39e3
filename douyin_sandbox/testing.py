"""Start the sandbox (or any ASGI app) on a free local port for tests of any suite.

    async with running_sandbox(SandboxConfig(review_delay=0.2)) as sandbox:
        client = DouyinClient(http, sandbox.base_url, sandbox.config.client_key, ...)
        tokens = await sandbox.issue_tokens(USER_OPEN_ID)

The server runs in its own thread and event loop, so a test that blocks its loop cannot stall it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from douyin_sandbox.app import create_app
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.users import SANDBOX_USERS

STARTUP_TIMEOUT = 10.0

# Handy names for the fixed cast (see douyin_sandbox.users).
ENTERPRISE_OPEN_ID = SANDBOX_USERS[0].open_id
PERSONAL_OPEN_ID = SANDBOX_USERS[1].open_id
CUSTOMER_OPEN_ID = SANDBOX_USERS[4].open_id


@asynccontextmanager
async def serve_app(app: ASGIApp, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve `app` with uvicorn on an ephemeral port in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or asyncio.get_running_loop().time() > deadline:
                raise RuntimeError("sandbox server did not start")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
        sock.close()


@dataclass
class RunningSandbox:
    """A live sandbox plus typed shortcuts to its admin API."""

    base_url: str
    config: SandboxConfig

    async def admin(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as http:
            response = await http.request(method, f"/sandbox/admin/{path}", json=json, params=params or None)
        response.raise_for_status()
        return response.json()

    async def update_config(self, **changes: Any) -> dict[str, Any]:
        return await self.admin("POST", "config", changes)

    async def set_faults(self, **faults: Any) -> dict[str, Any]:
        """e.g. `set_faults(busy_ratio=1.0, seed=7)` or `set_faults(expire_tokens=[open_id])`."""
        return await self.admin("POST", "faults", faults)

    async def clear_faults(self) -> dict[str, Any]:
        return await self.admin("POST", "faults/reset")

    async def issue_tokens(self, open_id: str, scopes: list[str] | None = None) -> dict[str, Any]:
        """Grant the app for `open_id` and return the `/oauth/access_token/` payload, no browser needed."""
        return await self.admin("POST", "tokens", {"open_id": open_id, "scopes": scopes})

    async def items(self, open_id: str | None = None) -> list[dict[str, Any]]:
        params = {"open_id": open_id} if open_id else {}
        return await self.admin("GET", "items", **params)

    async def users(self) -> list[dict[str, Any]]:
        return await self.admin("GET", "users")

    async def deliveries(self, wait: bool = True) -> list[dict[str, Any]]:
        return await self.admin("GET", "webhooks/deliveries", wait=str(wait).lower())

    async def reset(self, keep_config: bool = False) -> None:
        await self.admin("POST", "reset", {"keep_config": keep_config})


@asynccontextmanager
async def running_sandbox(config: SandboxConfig | None = None) -> AsyncIterator[RunningSandbox]:
    """Run a fresh sandbox for the duration of the block."""
    config = config or SandboxConfig()
    async with serve_app(create_app(config)) as base_url:
        yield RunningSandbox(base_url=base_url, config=config)
