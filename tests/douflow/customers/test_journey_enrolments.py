"""Enrolment rows (seed 15): one running enrolment per journey and customer, and re-entry decided on the rows."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.accounts import ensure_tenant
from douflow.customers.journeys import EnrolmentRepository, JourneyRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer
from models.journeys import EnrolmentFinish, JourneyGraph
from tests.support.journeys import tag_journey


async def test_a_second_running_enrolment_is_refused_and_re_entry_follows_the_policy(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = utcnow()
    graph = JourneyGraph.model_validate({**tag_journey(), "reentry": "after_days", "reentry_days": 7})
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, f"enrol-{uuid.uuid4().hex[:8]}")
        customer = Customer(tenant_id=tenant.id, open_id="fan")
        session.add(customer)
        journey = JourneyRepository(session, tenant.id).create("j", None, graph, "u")
        await session.flush()
        repo = EnrolmentRepository(session, tenant.id)
        first = await repo.enrol(journey.id, 1, customer.id, "manual", "wf", now)
        assert first is not None
        assert await repo.enrol(journey.id, 1, customer.id, "manual", "wf", now) is None
        assert (
            await repo.reentry_refusal(journey.id, customer.id, graph, now)
            == "the customer is in this journey now"
        )
        finish = EnrolmentFinish(
            tenant_id=tenant.id,
            enrolment_id=first.id,
            exit_reason="done",
            goal_reached=False,
            node_id="done",
            at=now,
        )
        await repo.finish(finish)
        await session.flush()
        refusal = await repo.reentry_refusal(journey.id, customer.id, graph, now + timedelta(days=6))
        assert refusal is not None and "may enter again" in refusal
        assert (
            await repo.reentry_refusal(journey.id, customer.id, graph, now + timedelta(days=7, minutes=1))
            is None
        )
        assert (
            await repo.enrol(journey.id, 1, customer.id, "manual", "wf", now + timedelta(days=8)) is not None
        )
        await session.rollback()
