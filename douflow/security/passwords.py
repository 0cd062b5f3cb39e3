"""Password hashing with Argon2id, on a bounded pool of threads of its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

P = ParamSpec("P")
T = TypeVar("T")

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("douflow-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class HashingBusy(Exception):
    """Every hashing thread is busy and the queue behind them is full."""


class PasswordHashing:
    """Argon2 takes a quarter of a second of CPU per call: `workers` threads run it and at most `queue` calls
    wait for them, so a flood of logins is refused (HashingBusy) instead of taking every core."""

    def __init__(self, workers: int, queue: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        self._capacity = workers + queue
        self._pending = 0
        self._lock = threading.Lock()

    async def verify(self, password: str, password_hash: str | None) -> bool:
        return await self.run(verify_password, password, password_hash)

    async def hash(self, password: str) -> str:
        return await self.run(hash_password, password)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs `fn` on the pool once there is room for it; raises HashingBusy when there is none."""
        with self._lock:
            if self._pending >= self._capacity:
                raise HashingBusy
            self._pending += 1
        future = self._pool.submit(fn, *args, **kwargs)
        # Counted until the thread is done with it, even when the awaiting request went away.
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _release(self, _: Future[T]) -> None:
        with self._lock:
            self._pending -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
