"""Deals agents record for customers (seed 18), on a lead or a follow-up task, tenant-scoped. Repositories
flush; the caller commits.

A deal is credited when it is written to the conversation opening it came from (the lead's, else the
customer's latest before the deal), so the review dashboard groups deals by account, item and agent
without reading transcripts. A deal recorded for a task is recorded once: the task's id finds it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.funnel_days import FunnelDays
from douflow.customers.openings import ConversationOpenings
from douflow.db.conversation_tables import Customer, Lead
from douflow.db.funnel_tables import ConversationSession, Deal

MAX_AMOUNT_FEN = 10**12  # ten billion yuan: anything above is a typing mistake


class DealProblem(ValueError):
    """A deal that cannot be recorded as given; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DealRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def record(
        self,
        customer_id: str,
        agent_user_id: str,
        amount_fen: int,
        closed_at: datetime,
        *,
        lead_id: str | None = None,
        task_id: str | None = None,
        note: str = "",
    ) -> Deal:
        """The deal, written once per task (a repeated task outcome answers the deal it made); raises
        DealProblem when the customer or lead is not the tenant's, or the lead is another customer's."""
        if not 0 < amount_fen <= MAX_AMOUNT_FEN:
            raise DealProblem("amount_fen", f"amount_fen must be between 1 and {MAX_AMOUNT_FEN}")
        if task_id is not None and (found := await self._by_task(task_id)) is not None:
            return found
        customer = await self._session.get(Customer, customer_id)
        if customer is None or customer.tenant_id != self._tenant_id:
            raise DealProblem("customer_id", f"customer {customer_id} not found")
        lead = await self._lead(lead_id) if lead_id is not None else None
        if lead_id is not None and (lead is None or lead.customer_id != customer_id):
            raise DealProblem("lead_id", f"lead {lead_id} not found for customer {customer_id}")
        session_id = lead.session_id if lead else None
        if session_id is None:
            opening = await ConversationOpenings(self._session, self._tenant_id).credited(
                conversation_id=lead.conversation_id if lead else None,
                customer_id=customer_id,
                at=lead.created_at if lead else closed_at,
            )
            session_id = opening.id if opening else None
        deal = Deal(
            tenant_id=self._tenant_id,
            customer_id=customer_id,
            lead_id=lead_id,
            task_id=task_id,
            agent_user_id=agent_user_id,
            amount_fen=amount_fen,
            note=note,
            closed_at=closed_at.astimezone(UTC),
            session_id=session_id,
        )
        first_of_lead = lead is not None and not await self._has_deal(lead.id)
        try:
            async with self._session.begin_nested():
                self._session.add(deal)
        except IntegrityError:
            if task_id is None or (found := await self._by_task(task_id)) is None:
                raise
            return found  # the same task's outcome recorded concurrently
        opening = await self._session.get(ConversationSession, session_id) if session_id else None
        await FunnelDays(self._session, self._tenant_id).deal(
            deal,
            opening,
            lead.source if lead else None,
            lead.created_at if lead is not None and first_of_lead else None,
        )
        return deal

    async def get(self, deal_id: str) -> Deal | None:
        row = await self._session.get(Deal, deal_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        customer_id: str | None = None,
        lead_id: str | None = None,
        agent_user_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Deal]:
        """The tenant's deals, latest closed first, closed in [since, until)."""
        query = select(Deal).where(Deal.tenant_id == self._tenant_id)
        if since is not None:
            query = query.where(Deal.closed_at >= since)
        if until is not None:
            query = query.where(Deal.closed_at < until)
        for column, value in (
            (Deal.customer_id, customer_id),
            (Deal.lead_id, lead_id),
            (Deal.agent_user_id, agent_user_id),
        ):
            if value is not None:
                query = query.where(column == value)
        rows = await self._session.scalars(
            query.order_by(Deal.closed_at.desc(), Deal.id).limit(limit).offset(offset)
        )
        return rows.all()

    async def _lead(self, lead_id: str) -> Lead | None:
        row = await self._session.get(Lead, lead_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def _has_deal(self, lead_id: str) -> bool:
        found = await self._session.scalar(
            select(Deal.id).where(Deal.tenant_id == self._tenant_id, Deal.lead_id == lead_id).limit(1)
        )
        return found is not None

    async def _by_task(self, task_id: str) -> Deal | None:
        found: Deal | None = await self._session.scalar(
            select(Deal).where(Deal.tenant_id == self._tenant_id, Deal.task_id == task_id)
        )
        return found
