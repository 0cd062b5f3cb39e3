"""Login attempts counted per account and per client address, so guessing passwords gets slow and cheap.

The counts live in the process (one BFF process holds them; several processes each count on their own).
An attempt counts from the moment it is admitted, so concurrent guesses cannot slip past the limit while
their hashes run; a successful login takes its attempt back and clears the account's count.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


class Throttled(Exception):
    """Too many recent attempts for this account or from this address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Admission:
    account: str
    address: str
    at: float


class AttemptLog:
    """The latest `limit` attempt times of each key; the oldest keys go first beyond `max_keys`."""

    def __init__(self, limit: int, window_seconds: float, max_keys: int) -> None:
        self._limit = limit
        self._window = window_seconds
        self._max_keys = max_keys
        self._attempts: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may try again (0: now)."""
        attempts = self._attempts.get(key)
        if attempts is None or len(attempts) < self._limit:
            return 0.0
        return max(0.0, attempts[0] + self._window - now)

    def add(self, key: str, at: float) -> None:
        attempts = self._attempts.pop(key, None) or deque(maxlen=self._limit)
        attempts.append(at)
        self._attempts[key] = attempts
        while len(self._attempts) > self._max_keys:
            self._attempts.popitem(last=False)

    def take_back(self, key: str, at: float) -> None:
        attempts = self._attempts.get(key)
        if attempts is not None and at in attempts:
            attempts.remove(at)

    def clear(self, key: str) -> None:
        self._attempts.pop(key, None)


class LoginThrottle:
    def __init__(
        self,
        per_account: int,
        per_address: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self._accounts = AttemptLog(per_account, window_seconds, max_keys)
        self._addresses = AttemptLog(per_address, window_seconds, max_keys)
        self._clock = clock

    def admit(self, account: str, address: str) -> Admission:
        """Counts an attempt, or raises Throttled with the seconds to wait."""
        now = self._clock()
        wait = max(self._accounts.wait(account, now), self._addresses.wait(address, now))
        if wait > 0:
            raise Throttled(max(1, math.ceil(wait)))
        self._accounts.add(account, now)
        self._addresses.add(address, now)
        return Admission(account, address, now)

    def succeeded(self, admission: Admission) -> None:
        self._accounts.clear(admission.account)
        self._addresses.take_back(admission.address, admission.at)

    def withdraw(self, admission: Admission) -> None:
        """The attempt was never judged (the server was too busy): it does not count."""
        self._accounts.take_back(admission.account, admission.at)
        self._addresses.take_back(admission.address, admission.at)
