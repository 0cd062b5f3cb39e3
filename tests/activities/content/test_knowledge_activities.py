"""content-center's knowledge lookup on a real database: enabled entries of the tenant only, and an index
that follows every change."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.content.activities import ContentActivities
from douflow.accounts import ensure_tenant
from douflow.content.knowledge import EntryFields, KnowledgeRepository
from models.knowledge import KnowledgeQuery

HOURS = EntryFields(
    question="门店营业时间？", variants=["几点关门"], answer="每天 8:00-20:00。", tags=["门店"]
)
PRICE = EntryFields(question="咖啡豆多少钱一包？", variants=["豆子怎么卖"], answer="一包 68 元起。")


async def _tenant_with(
    sessionmaker: async_sessionmaker[AsyncSession], *entries: EntryFields
) -> tuple[str, list[str]]:
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, f"knowledge-{uuid.uuid4().hex[:8]}")
        repo = KnowledgeRepository(session, tenant.id)
        ids = [(await repo.create(fields, "u1")).id for fields in entries]
        await session.commit()
        return tenant.id, ids


async def test_the_lookup_answers_from_the_tenants_enabled_entries(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    activities = ContentActivities(sessionmaker)
    tenant, (hours, _price) = await _tenant_with(sessionmaker, HOURS, PRICE)
    other, _ = await _tenant_with(sessionmaker, EntryFields(question="几点开门？", answer="9 点。"))

    found = await ActivityEnvironment().run(
        activities.search_knowledge, KnowledgeQuery(tenant_id=tenant, text="你们几点开门呀")
    )
    assert found.answerable and found.hits[0].entry_id == hours
    assert (found.hits[0].answer, found.hits[0].tags) == ("每天 8:00-20:00。", ["门店"])
    unanswered = await activities.search_knowledge(KnowledgeQuery(tenant_id=tenant, text="可以加个微信吗"))
    assert not unanswered.answerable

    async with sessionmaker() as session:
        repo = KnowledgeRepository(session, tenant)
        entry = await repo.get(hours)
        assert entry is not None
        off = EntryFields(
            question=entry.question, answer=entry.answer, variants=entry.variants, enabled=False
        )
        assert await repo.update(entry, off, base_version=1)
        assert not await repo.update(entry, off, base_version=1)
        await session.commit()
    after = await activities.search_knowledge(KnowledgeQuery(tenant_id=tenant, text="你们几点开门呀"))
    assert hours not in [h.entry_id for h in after.hits] and not after.answerable
    assert (await activities.search_knowledge(KnowledgeQuery(tenant_id=other, text="几点开门"))).answerable
