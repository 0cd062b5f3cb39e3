"""One poller per BFF process tails `live_events` and fans each new event out to the streams of its tenant.

A stream never queries the table for new events itself, so a thousand open consoles cost one query per
LIVE_EVENTS_POLL_SECONDS. Ids come from one sequence, but a transaction that took an id may commit after one
that took a later id: the poller notes ids it passed over and looks for them again for `gap_wait_seconds`
(a rolled-back insert leaves its id unused for good). Apart from the poller, which runs once somebody listens,
every BFF process prunes the events past the retention from its start, listened to or not (workers write them
either way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow import live_events
from douflow.db.base import utcnow
from douflow.live_events import Happened

log = logging.getLogger(__name__)

MAX_PENDING_GAPS = 1000
PRUNE_BATCH = 5000


class Feed:
    """One stream's queue of its tenant's events; `None` in it means the stream fell behind and must end
    (the client resumes with Last-Event-ID, reading what it missed from the table)."""

    def __init__(self, tenant_id: str, capacity: int) -> None:
        self.tenant_id = tenant_id
        self.queue: asyncio.Queue[Happened | None] = asyncio.Queue(capacity + 1)
        self._capacity = capacity
        self.behind = False

    def offer(self, event: Happened) -> None:
        if self.behind:
            return
        if self.queue.qsize() >= self._capacity:
            self.behind = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(event)


class LiveHub:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        poll_seconds: float,
        retention: timedelta,
        *,
        gap_wait_seconds: float = 10.0,
        prune_every_seconds: float = 600.0,
        batch: int = 500,
        feed_capacity: int = 1000,
        clock: Callable[[], float] = time.monotonic,
        autostart: bool = True,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._poll = poll_seconds
        self._retention = retention
        self._gap_wait = gap_wait_seconds
        self._prune_every = prune_every_seconds
        self._batch = batch
        self._capacity = feed_capacity
        self._clock = clock
        self._autostart = autostart
        self._feeds: dict[str, set[Feed]] = {}
        self._high = 0
        # Ids passed over (their transactions may still commit) → until when to look for them.
        self._gaps: dict[int, float] = {}
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pruner: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts pruning (at the BFF's start), every `prune_every_seconds`, the first after one interval."""
        if self._pruner is None:
            self._pruner = asyncio.create_task(self._prune_forever(), name="live-events-pruner")

    async def subscribe(self, tenant_id: str) -> Feed:
        """A feed of the tenant's events from now on; the first subscriber starts the poller."""
        if self._task is None and self._autostart:
            self._task = asyncio.create_task(self._run(), name="live-events-poller")
        await self._ready.wait()
        feed = Feed(tenant_id, self._capacity)
        self._feeds.setdefault(tenant_id, set()).add(feed)
        return feed

    def unsubscribe(self, feed: Feed) -> None:
        feeds = self._feeds.get(feed.tenant_id)
        if feeds is not None:
            feeds.discard(feed)
            if not feeds:
                del self._feeds[feed.tenant_id]

    def resume_point(self) -> int:
        """An id every later event of a feed subscribed now is above, or comes through the feed."""
        return min([self._high, *(gap - 1 for gap in self._gaps)])

    async def close(self) -> None:
        for task in (self._task, self._pruner):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._pruner = None

    async def prime(self) -> None:
        """Starts the tail at the table's end: earlier events are read from the table by the streams."""
        async with self._sessionmaker() as session:
            self._high = await live_events.newest_id(session)
        self._ready.set()

    async def _run(self) -> None:
        while not self._ready.is_set():
            try:
                await self.prime()
            except Exception:
                log.exception("live events: cannot read where the table ends; retrying")
                await asyncio.sleep(max(self._poll, 1.0))
        while True:
            await asyncio.sleep(self._poll)
            try:
                await self.poll_once()
            except Exception:
                log.exception("live events: polling failed; retrying")

    async def poll_once(self) -> int:
        """Reads what was committed since the last poll and hands it to the feeds; how many events it read."""
        now = self._clock()
        self._gaps = {gap: until for gap, until in self._gaps.items() if until > now}
        read = 0
        while True:
            async with self._sessionmaker() as session:
                rows = await live_events.tail(session, self._high, sorted(self._gaps), self._batch)
            for event in rows:
                self._gaps.pop(event.id, None)
                if event.id > self._high:
                    for passed in range(self._high + 1, min(event.id, self._high + 1 + MAX_PENDING_GAPS)):
                        self._gaps[passed] = now + self._gap_wait
                    self._high = event.id
                for feed in tuple(self._feeds.get(event.tenant_id, ())):
                    feed.offer(event)
            read += len(rows)
            if len(rows) < self._batch:
                return read

    async def _prune_forever(self) -> None:
        while True:
            await asyncio.sleep(self._prune_every)
            try:
                await self.prune()
            except Exception:
                log.exception("live events: pruning failed; trying again next time")

    async def prune(self) -> None:
        """Removes the events past the retention (every BFF process does it now and then; it is idempotent)."""
        before = utcnow() - self._retention
        removed = 0
        while True:  # a batch per transaction, so the writers wait for none of them long
            async with self._sessionmaker() as session:
                batch = await live_events.prune(session, before, PRUNE_BATCH)
                await session.commit()
            removed += batch
            if batch < PRUNE_BATCH:
                break
        if removed:
            log.info("live events: pruned %d events older than %s", removed, self._retention)
