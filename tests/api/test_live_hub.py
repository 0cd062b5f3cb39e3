"""The BFF's live event poller on the real database, polled by the test (no background task, a clock it moves):
ids committed out of order, a transaction that never commits, pruning."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.gateway_bff import live_hub
from api.gateway_bff.live_hub import Feed, LiveHub
from douflow import live_events
from douflow.db.base import utcnow
from douflow.db.live_tables import LiveEvent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def drained(feed: Feed) -> list[str]:
    found = []
    while not feed.queue.empty():
        event = feed.queue.get_nowait()
        assert event is not None
        found.append(event.subject_id)
    return found


async def hub_for(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> LiveHub:
    hub = LiveHub(sessionmaker, 5.0, timedelta(hours=1), gap_wait_seconds=10, clock=clock, autostart=False)
    await hub.prime()
    return hub


async def taken(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, subject: str) -> None:
    async with sessionmaker() as session:
        live_events.record(session, tenant_id, "publish", subject, {})
        await session.commit()


async def test_an_event_committed_after_a_later_one_is_still_delivered_once(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writing transaction at a time: ids are never committed out of order")
    clock, tenant = Clock(), str(uuid.uuid4())
    hub = await hub_for(sessionmaker, clock)
    feed = await hub.subscribe(tenant)

    async with sessionmaker() as slow:
        live_events.record(slow, tenant, "publish", "slow", {})
        await slow.flush()  # holds its id, not yet committed
        await taken(sessionmaker, tenant, "fast")
        assert await hub.poll_once() == 1
        first = drained(feed)
        held = await slow.scalar(select(LiveEvent.id).where(LiveEvent.subject_id == "slow"))
        assert held is not None and hub.resume_point() < held, "a new stream reads the held id from the table"
        await slow.commit()
    await hub.poll_once()
    second = drained(feed)
    await hub.poll_once()

    assert first == ["fast"]
    assert second == ["slow"], "the id passed over is looked for again"
    assert drained(feed) == [], "and delivered once"

    async with sessionmaker() as late:
        live_events.record(late, tenant, "publish", "late", {})
        await late.flush()
        await taken(sessionmaker, tenant, "fast-2")
        await hub.poll_once()
        clock.now += 11
        await late.commit()
    await hub.poll_once()
    assert drained(feed) == ["fast-2"], "after the gap wait a passed-over id is given up"


async def test_each_tenants_feed_gets_its_own_events_only(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hub = await hub_for(sessionmaker, Clock())
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    feed, other = await hub.subscribe(mine), await hub.subscribe(theirs)
    await taken(sessionmaker, mine, "a")
    await taken(sessionmaker, theirs, "b")
    await taken(sessionmaker, mine, "c")
    await hub.poll_once()
    hub.unsubscribe(other)
    await taken(sessionmaker, theirs, "d")
    await hub.poll_once()

    assert drained(feed) == ["a", "c"]
    assert drained(other) == ["b"]


async def test_events_past_the_retention_are_pruned(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    tenant = str(uuid.uuid4())
    async with sessionmaker() as session:
        live_events.record(session, tenant, "publish", "old", {}, at=utcnow() - timedelta(hours=2))
        live_events.record(session, tenant, "publish", "new", {}, at=utcnow() - timedelta(minutes=30))
        await session.commit()

    await (await hub_for(sessionmaker, Clock())).prune()

    async with sessionmaker() as session:
        left = await session.scalars(select(LiveEvent.subject_id).where(LiveEvent.tenant_id == tenant))
        assert sorted(left.all()) == ["new"]


async def test_pruning_goes_in_batches_until_nothing_past_the_retention_is_left(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_hub, "PRUNE_BATCH", 2)
    tenant = str(uuid.uuid4())
    async with sessionmaker() as session:
        for n in range(5):
            live_events.record(session, tenant, "publish", f"old-{n}", {}, at=utcnow() - timedelta(hours=2))
        live_events.record(session, tenant, "publish", "new", {})
        await session.commit()

    await (await hub_for(sessionmaker, Clock())).prune()

    async with sessionmaker() as session:
        left = await session.scalars(select(LiveEvent.subject_id).where(LiveEvent.tenant_id == tenant))
        assert left.all() == ["new"]


async def test_a_started_hub_prunes_with_nobody_listening(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tenant = str(uuid.uuid4())
    async with sessionmaker() as session:
        live_events.record(session, tenant, "publish", "old", {}, at=utcnow() - timedelta(hours=2))
        await session.commit()
    hub = LiveHub(sessionmaker, 5.0, timedelta(hours=1), prune_every_seconds=0.05, autostart=False)

    hub.start()
    try:
        for _ in range(200):  # up to 10 s: the first prune is due after 0.05 s
            async with sessionmaker() as session:
                left = await session.scalar(
                    select(func.count()).select_from(LiveEvent).where(LiveEvent.tenant_id == tenant)
                )
            if left == 0:
                break
            await asyncio.sleep(0.05)
        assert left == 0
    finally:
        await hub.close()
