"""The one way a test waits for something another process does: poll it with a deadline.

Waiting for the sandbox's time to pass is never polling: tests freeze and advance its clock instead
(douyin_sandbox/clock.py). Polling is for DouFlow's own processes: workflows, timers, schedules, webhooks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(
    check: Callable[[], Awaitable[T | None]], *, within: float = ..., interval: float = ...
) -> T: ...


@overload
async def eventually(
    check: Callable[[], Awaitable[T]],
    until: Callable[[T], object],
    *,
    within: float = ...,
    interval: float = ...,
) -> T: ...


async def eventually(
    check: Callable[[], Awaitable[Any]],
    until: Callable[[Any], object] = bool,
    *,
    within: float = 15.0,
    interval: float = 0.1,
) -> Any:
    """Calls `check` until `until(value)` holds (by default: until the value is truthy); returns that value.

    At the deadline it fails with the last value, so a test reads what it was waiting for.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await check()
        if until(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s (last value {value!r})")
        await asyncio.sleep(interval)
