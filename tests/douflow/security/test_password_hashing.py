"""The Argon2 pool: calls beyond its threads and its queue are refused, not piled up."""

from __future__ import annotations

import asyncio
import threading

import pytest

from douflow.security.passwords import HashingBusy, PasswordHashing


async def test_calls_beyond_the_threads_and_the_queue_are_refused() -> None:
    pool = PasswordHashing(workers=1, queue=1)
    gate = threading.Event()
    try:
        running = asyncio.ensure_future(pool.run(gate.wait, 30))
        waiting = asyncio.ensure_future(pool.run(gate.wait, 30))
        await asyncio.sleep(0)  # both calls take their places
        with pytest.raises(HashingBusy):
            await pool.run(gate.wait, 30)
        gate.set()
        assert await asyncio.gather(running, waiting) == [True, True]
        hashed = await pool.hash("a-password-to-keep")
        assert await pool.verify("a-password-to-keep", hashed)
        assert not await pool.verify("another-password", hashed)
    finally:
        gate.set()
        pool.close()
