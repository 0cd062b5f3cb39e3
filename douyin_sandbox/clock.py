"""The sandbox's one clock: real time by default; frozen, advanced or returned to real time on request.

Every instant the sandbox reasons about is read here: review settlement, statistics growth, the lifetimes
of codes, tokens and upload ids, an item's `create_time`, the `now` and log ids of envelopes, and the
timestamps inside webhooks. Waiting is not: fault latency and webhook back-off are real sleeps.

The admin API (`/sandbox/admin/clock...`, see admin.py) and `RunningSandbox` (testing.py) drive it:

- freeze at an instant (or at the current reading): the clock stands still until told otherwise, so two
  reads made seconds apart agree, and nothing grows between a test's two looks;
- advance by N seconds: frozen or not, the clock jumps ahead; this is how a test lets sandbox time pass;
- back to real time: not frozen, no offset. `/sandbox/admin/reset` does this too.

DouFlow's clock is not this one. DouFlow dates an item by the `create_time` the sandbox reports, but
measures its age against its own `utcnow()` when it fetches (and runs its timers and schedules on real
time). The two views agree only while this clock reads real time, so a test that freezes it should
freeze it in the past, `freeze(real_now - H)`, publish its items there, and advance by at most H:

- every item published while frozen has the same `create_time`, so DouFlow sees them all at the same
  age: H plus however long the test has run, never less than the age the sandbox computes;
- the sandbox's statistics are those of the age the test advanced to (times `time_scale`), whatever the
  test's real duration;
- a clock ahead of real time gives items a `create_time` in DouFlow's future (which DouFlow reads as
  age 0), and a clock far behind it makes an item look older than the publish that created it, so a
  lost create cannot be reconciled by its `created_after` window: publishing tests stay on real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel


class ClockState(BaseModel):
    now: float
    frozen: bool
    offset: float  # seconds added to real time while running (0 on real time)


class SandboxClock:
    def __init__(self, real: Callable[[], float] = time.time) -> None:
        self._real = real
        self._frozen_at: float | None = None
        self._offset = 0.0

    def now(self) -> float:
        """Unix seconds on the sandbox's clock."""
        if self._frozen_at is not None:
            return self._frozen_at
        return self._real() + self._offset

    def freeze(self, at: float | None = None) -> ClockState:
        """Stop the clock at `at` (unix seconds), or where it reads now."""
        self._frozen_at = self.now() if at is None else float(at)
        return self.state()

    def advance(self, seconds: float) -> ClockState:
        """Move the clock `seconds` ahead; a frozen clock stays frozen at the later instant."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        return self.state()

    def use_real_time(self) -> ClockState:
        self._frozen_at = None
        self._offset = 0.0
        return self.state()

    def state(self) -> ClockState:
        return ClockState(now=self.now(), frozen=self._frozen_at is not None, offset=self._offset)
