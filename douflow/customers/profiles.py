"""Customers as the BFF shows them (seed 12, 13): scores computed now from their events and the tenant's rules,
and contact details masked for roles that do not work leads.

Scores are computed at read time, so a rule change shows at once and decay needs no job; a list reads the
events of the tenant's customers it filters (fine for thousands of customers; a stored snapshot would be the
step after that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.behaviour import BehaviourRepository, ScoringRuleRepository
from douflow.customers.contacts import mask_phone, mask_wechat
from douflow.customers.conversations import AGENT_ROLES
from douflow.customers.scoring import score
from douflow.db.conversation_tables import Customer, Lead, ScoreCrossing
from douflow.security.tokens import Role
from models.customers import Level, ScoreCard

# Who sees phone numbers and WeChat ids whole: those who work leads.
LEAD_ROLES: tuple[Role, ...] = AGENT_ROLES


@dataclass(frozen=True)
class Scored:
    customer: Customer
    card: ScoreCard


@dataclass(frozen=True)
class ShownLead:
    lead: Lead
    phone: str | None
    wechat: str | None
    masked: bool


def shown(lead: Lead, role: Role) -> ShownLead:
    if role in LEAD_ROLES:
        return ShownLead(lead, lead.phone, lead.wechat, masked=False)
    return ShownLead(lead, mask_phone(lead.phone), mask_wechat(lead.wechat), masked=True)


class CustomerProfiles:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self.behaviour = BehaviourRepository(session, tenant_id)
        self.rules = ScoringRuleRepository(session, tenant_id)

    async def scored(
        self,
        now: datetime,
        *,
        level: Level | None = None,
        min_score: float | None = None,
        tag: str | None = None,
    ) -> list[Scored]:
        """The tenant's customers with their scores now, latest seen first, filtered."""
        rows = await self._session.scalars(
            select(Customer)
            .where(Customer.tenant_id == self._tenant_id)
            .order_by(Customer.last_seen_at.desc(), Customer.id)
        )
        customers = [c for c in rows.all() if tag is None or tag in (c.tags or [])]
        rules = await self.rules.rules()
        events = await self.behaviour.happened([c.id for c in customers])
        found = [Scored(c, score(events.get(c.id, []), rules, now)) for c in customers]
        return [
            s
            for s in found
            if (level is None or s.card.level == level)
            and (min_score is None or max(s.card.scores.values(), default=0.0) >= min_score)
        ]

    async def one(self, customer_id: str, now: datetime) -> Scored | None:
        customer = await self._session.get(Customer, customer_id)
        if customer is None or customer.tenant_id != self._tenant_id:
            return None
        rules = await self.rules.rules()
        events = await self.behaviour.happened([customer.id])
        return Scored(customer, score(events.get(customer.id, []), rules, now))

    async def crossings(self, customer_id: str, limit: int = 50) -> Sequence[ScoreCrossing]:
        rows = await self._session.scalars(
            select(ScoreCrossing)
            .where(ScoreCrossing.tenant_id == self._tenant_id, ScoreCrossing.customer_id == customer_id)
            .order_by(ScoreCrossing.at.desc(), ScoreCrossing.seq.desc())
            .limit(limit)
        )
        return rows.all()
