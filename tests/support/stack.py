"""The platform's processes (workers of every queue and the BFF) inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from temporalio.client import Client

from api.gateway_bff.app import create_app
from douflow.settings import Settings
from douflow.testing.servers import running_uvicorn
from worker import build_workers


@contextlib.asynccontextmanager
async def running_workers(client: Client, settings: Settings) -> AsyncIterator[None]:
    worker_set = build_workers(client, settings)
    task = asyncio.create_task(worker_set.run())
    try:
        yield
    finally:
        await worker_set.shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)


@contextlib.asynccontextmanager
async def running_stack(client: Client, settings: Settings) -> AsyncIterator[str]:
    """Workers plus a BFF on a loopback port; yields the BFF's base URL."""
    async with running_workers(client, settings), running_uvicorn(create_app(settings)) as base_url:
        yield base_url
