"""A batch of a customer's behaviour recorded twice (a retried activity, a redelivered webhook) counts once:
events and leads by their source keys, threshold actions by the crossing they belong to."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.orchestration.customers import record_batch
from douflow.accounts import ensure_tenant
from douflow.db.conversation_tables import Customer, CustomerEvent, Lead, ScoreCrossing
from douflow.db.metrics_tables import Notification
from models.customers import BehaviourBatch, BehaviourEvent, CustomerSaid

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def _count(session: AsyncSession, table: type, tenant_id: str) -> int:
    found = await session.scalar(select(func.count()).select_from(table).where(table.tenant_id == tenant_id))  # type: ignore[attr-defined]
    return int(found or 0)


async def test_a_batch_recorded_twice_adds_nothing_and_fires_nothing_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        tenant_id = (await ensure_tenant(session, "behaviour-twice")).id
        await session.commit()
    batch = BehaviourBatch(
        tenant_id=tenant_id,
        customer_open_id="fan-twice",
        events=[
            BehaviourEvent(type="message_received", source_key="message_received:m1", occurred_at=AT),
            BehaviourEvent(type="price_question", source_key="price_question:m1", occurred_at=AT),
        ],
        said=[CustomerSaid(msg_id="m1", text="多少钱？电话13812341234", at=AT)],
        at=AT,
    )
    snapshots = []
    for _ in range(2):
        async with sessionmaker() as session:
            snapshots.append(await record_batch(session, batch))
            await session.commit()

    first, again = snapshots
    assert (first.level, first.score, first.has_phone, first.new_lead) == ("hot", 66, True, True)
    assert (again.level, again.score, again.new_lead) == ("hot", 66, False)
    async with sessionmaker() as session:
        assert await _count(session, CustomerEvent, tenant_id) == 3
        assert await _count(session, Lead, tenant_id) == 1
        crossings = (
            await session.scalars(select(ScoreCrossing).where(ScoreCrossing.tenant_id == tenant_id))
        ).all()
        assert sorted((c.key, c.value, c.actions[0]) for c in crossings) == [
            ("default>=50", "66", "tag:高意向"),
            ("level", "hot", "level:cold->hot"),
        ]
        assert await _count(session, Notification, tenant_id) == 1
        customer = await session.scalar(select(Customer).where(Customer.tenant_id == tenant_id))
        assert customer is not None and customer.tags == ["高意向"] and customer.level == "hot"
