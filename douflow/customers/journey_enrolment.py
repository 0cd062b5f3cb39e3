"""Enrolling a customer in a journey (seed 15): the re-entry policy on enrolment rows, the row, then its workflow.

The row is committed before the workflow starts, so the policy holds beyond Temporal's retention; a start that
failed after the commit is made again the next time the customer is enrolled (the start is idempotent by id).
Manual enrolment, segments (the BFF) and triggers (journey dispatch) all enrol here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from douflow.customers.journeys import RUNNING, EnrolmentRepository
from douflow.db.conversation_tables import Customer
from douflow.db.journey_tables import Journey, JourneyEnrolment, JourneyVersion
from douflow.db.tables import Tenant
from douflow.settings import Settings
from douflow.temporal import ids, starts
from models.journeys import JourneyGraph, JourneyInput, JourneySignal

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Enrolled:
    customer_id: str
    enrolment_id: str | None
    refusal: str | None = None


async def enrol(
    session: AsyncSession,
    client: Client,
    settings: Settings,
    journey: Journey,
    version: JourneyVersion,
    customer_id: str,
    trigger: str,
    at: datetime,
) -> Enrolled:
    """Enrols the customer in the version unless the policy says no; commits the session."""
    tenant_id = journey.tenant_id
    customer = await session.scalar(
        select(Customer).where(Customer.tenant_id == tenant_id, Customer.id == customer_id)
    )
    if customer is None:
        return Enrolled(customer_id, None, f"customer {customer_id} not found")
    await session.refresh(customer, with_for_update=True)  # one enrolment decision per customer at a time
    if customer.unsubscribed_at is not None:
        await session.commit()  # nothing written: ends the lock, keeps the loaded rows
        return Enrolled(customer_id, None, "the customer asked for no more messages")
    repo = EnrolmentRepository(session, tenant_id)
    graph = JourneyGraph.model_validate(version.graph)
    refusal = await repo.reentry_refusal(journey.id, customer_id, graph, at)
    if refusal is not None:
        running = await _running(session, journey.id, customer_id)
        again = await journey_input(session, running) if running is not None else None
        await session.commit()  # nothing written: ends the lock, keeps the loaded rows
        if again is not None:  # make sure its run exists (a start lost after the commit)
            await starts.start(client, settings, starts.journey(again))
        return Enrolled(customer_id, None, refusal)
    workflow_id = ids.journey_workflow_id(journey.id, customer_id)
    enrolment = await repo.enrol(journey.id, version.version, customer_id, trigger, workflow_id, at)
    if enrolment is None:
        await session.commit()
        return Enrolled(customer_id, None, "the customer is in this journey now")
    arg = await journey_input(session, enrolment)
    await session.commit()
    await starts.start(client, settings, starts.journey(arg))
    return Enrolled(customer_id, arg.enrolment_id)


async def _running(session: AsyncSession, journey_id: str, customer_id: str) -> JourneyEnrolment | None:
    found: JourneyEnrolment | None = await session.scalar(
        select(JourneyEnrolment).where(
            JourneyEnrolment.journey_id == journey_id,
            JourneyEnrolment.customer_id == customer_id,
            JourneyEnrolment.status == RUNNING,
        )
    )
    return found


async def journey_input(session: AsyncSession, enrolment: JourneyEnrolment) -> JourneyInput:
    version = await session.scalar(
        select(JourneyVersion).where(
            JourneyVersion.tenant_id == enrolment.tenant_id,
            JourneyVersion.journey_id == enrolment.journey_id,
            JourneyVersion.version == enrolment.version,
        )
    )
    if version is None:
        raise LookupError(f"journey {enrolment.journey_id} has no version {enrolment.version}")
    tenant = await session.get(Tenant, enrolment.tenant_id)
    return JourneyInput(
        tenant_id=enrolment.tenant_id,
        journey_id=enrolment.journey_id,
        version=enrolment.version,
        enrolment_id=enrolment.id,
        customer_id=enrolment.customer_id,
        account_id=version.account_id,
        graph=JourneyGraph.model_validate(version.graph),
        timezone=tenant.timezone if tenant is not None and tenant.timezone else DEFAULT_TIMEZONE,
    )


async def tell_running(
    session: AsyncSession, client: Client, tenant_id: str, customer_id: str, signal: JourneySignal
) -> int:
    """The customer's event to each of their running enrolments (a decision may wait for it); how many. An
    enrolment whose run has ended meanwhile is skipped."""
    told = 0
    for enrolment in await EnrolmentRepository(session, tenant_id).running_of(customer_id):
        handle = client.get_workflow_handle(ids.journey_workflow_id(enrolment.journey_id, customer_id))
        try:
            await handle.signal("behaviour", signal)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            continue
        told += 1
    return told
