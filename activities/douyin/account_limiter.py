"""Per-account bounds inside one connector process: concurrent calls, rate-limit pauses, one refresh.

Douyin limits and risk-controls per account, so one busy account must not take every slot of the
worker, and a rate-limit answer should slow every call to that account, not only the one that got it.
The bound is per process: N connector processes allow N x `per_account` calls to one account.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator


class AccountLimiter:
    def __init__(self, per_account: int) -> None:
        if per_account < 1:
            raise ValueError("per_account must be at least 1")
        self._per_account = per_account
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self._per_account))
        self._refresh_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._paused_until: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, account_id: str) -> AsyncIterator[None]:
        """Waits out a pause, then holds one of the account's call slots."""
        async with self._slots[account_id]:
            wait = self._paused_until.get(account_id, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            yield

    def pause(self, account_id: str, seconds: float) -> None:
        """No new call to the account starts before `seconds` from now."""
        until = time.monotonic() + max(seconds, 0.0)
        self._paused_until[account_id] = max(self._paused_until.get(account_id, 0.0), until)

    def refresh_lock(self, account_id: str) -> asyncio.Lock:
        """Serialises token refreshes so a burst of expired calls refreshes once."""
        return self._refresh_locks[account_id]

    def in_use(self, account_id: str) -> int:
        """Slots taken right now (for tests and metrics)."""
        semaphore = self._slots.get(account_id)
        return 0 if semaphore is None else self._per_account - semaphore._value
