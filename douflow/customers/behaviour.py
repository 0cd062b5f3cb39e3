"""Customers' behaviour events, their leads and the tenant's scoring rules, tenant-scoped (seed 12, 13).

Repositories flush; the caller commits. Events and leads are written once under their source keys, so a
redelivered webhook or a retried activity adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.contacts import Contact
from douflow.customers.funnel_days import FunnelDays
from douflow.customers.openings import ConversationOpenings
from douflow.customers.scoring import JOURNEY_POINTS, Happened, default_rules
from douflow.db.conversation_tables import (
    ConversationMessage,
    CustomerEvent,
    Lead,
    ScoringRuleSet,
)
from models.customers import BehaviourEvent, ScoringRules

RECENT_MESSAGES = 200


class BehaviourRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def record(self, customer_id: str, events: Sequence[BehaviourEvent]) -> int:
        """Appends the events not recorded before (by source key); how many were new."""
        added = 0
        for event in events:
            if await self._has(event.source_key):
                continue
            try:
                async with self._session.begin_nested():
                    self._session.add(
                        CustomerEvent(
                            tenant_id=self._tenant_id,
                            customer_id=customer_id,
                            type=event.type,
                            detail=event.detail,
                            source_key=event.source_key,
                            occurred_at=event.occurred_at,
                        )
                    )
                added += 1
            except IntegrityError:
                continue  # a concurrent delivery of the same event
        return added

    async def happened(self, customer_ids: Sequence[str]) -> dict[str, list[Happened]]:
        """Every event of these customers, as scoring reads them."""
        found: dict[str, list[Happened]] = defaultdict(list)
        if not customer_ids:
            return found
        rows = await self._session.execute(
            select(CustomerEvent.customer_id, CustomerEvent.id, CustomerEvent.type, CustomerEvent.occurred_at)
            .where(CustomerEvent.tenant_id == self._tenant_id, CustomerEvent.customer_id.in_(customer_ids))
            .order_by(CustomerEvent.occurred_at, CustomerEvent.id)
        )
        for customer_id, event_id, kind, at in rows.all():
            found[customer_id].append(Happened(id=event_id, type=kind, occurred_at=at))
        await self._journey_points(customer_ids, found)
        return found

    async def _journey_points(self, customer_ids: Sequence[str], found: dict[str, list[Happened]]) -> None:
        """A journey's add_points events carry their points in the detail (seed 15)."""
        rows = await self._session.execute(
            select(CustomerEvent.customer_id, CustomerEvent.id, CustomerEvent.detail).where(
                CustomerEvent.tenant_id == self._tenant_id,
                CustomerEvent.customer_id.in_(customer_ids),
                CustomerEvent.type == JOURNEY_POINTS,
            )
        )
        points = {event_id: (detail or {}).get("points") for _, event_id, detail in rows.all()}
        for events in found.values():
            for index, event in enumerate(events):
                if event.id in points:
                    events[index] = replace(event, points=float(points[event.id] or 0))

    async def recent(self, customer_id: str, limit: int = 50) -> Sequence[CustomerEvent]:
        rows = await self._session.scalars(
            select(CustomerEvent)
            .where(CustomerEvent.tenant_id == self._tenant_id, CustomerEvent.customer_id == customer_id)
            .order_by(CustomerEvent.occurred_at.desc(), CustomerEvent.id.desc())
            .limit(limit)
        )
        return rows.all()

    async def last_refusal(self, customer_id: str) -> datetime | None:
        found: datetime | None = await self._session.scalar(
            select(func.max(CustomerEvent.occurred_at)).where(
                CustomerEvent.tenant_id == self._tenant_id,
                CustomerEvent.customer_id == customer_id,
                CustomerEvent.type == "lead_refused",
            )
        )
        return found

    async def add_lead(
        self,
        customer_id: str,
        conversation_id: str | None,
        contact: Contact,
        source: str,
        source_key: str,
        at: datetime,
    ) -> Lead | None:
        """The lead of this message or card, once; None when it was stored before."""
        existing = await self._session.scalar(
            select(Lead).where(Lead.tenant_id == self._tenant_id, Lead.source_key == source_key)
        )
        if existing is not None:
            return None
        opening = await ConversationOpenings(self._session, self._tenant_id).current(conversation_id)
        lead = Lead(
            session_id=opening.id if opening else None,
            tenant_id=self._tenant_id,
            customer_id=customer_id,
            conversation_id=conversation_id,
            phone=contact.phone,
            wechat=contact.wechat,
            name=contact.name,
            source=source,
            source_key=source_key,
            consent=True,
            created_at=at,
        )
        self._session.add(lead)
        await FunnelDays(self._session, self._tenant_id).lead(at, source, opening)
        return lead

    async def leads(
        self, customer_id: str | None = None, *, limit: int = 50, offset: int = 0
    ) -> Sequence[Lead]:
        query = select(Lead).where(Lead.tenant_id == self._tenant_id)
        if customer_id is not None:
            query = query.where(Lead.customer_id == customer_id)
        rows = await self._session.scalars(
            query.order_by(Lead.created_at.desc(), Lead.id).limit(limit).offset(offset)
        )
        return rows.all()

    async def known(self, customer_id: str) -> tuple[bool, bool]:
        """Whether a phone number and a WeChat id of the customer are known."""
        rows = await self._session.execute(
            select(Lead.phone, Lead.wechat).where(
                Lead.tenant_id == self._tenant_id, Lead.customer_id == customer_id
            )
        )
        pairs = rows.all()
        return any(p for p, _ in pairs), any(w for _, w in pairs)

    async def asks(self, conversation_id: str | None) -> tuple[int, datetime | None]:
        """How many contact asks the bot sent in the conversation, and when the last went out."""
        if conversation_id is None:
            return 0, None
        rows = await self._session.scalars(
            select(ConversationMessage)
            .where(
                ConversationMessage.tenant_id == self._tenant_id,
                ConversationMessage.conversation_id == conversation_id,
                ConversationMessage.author == "bot",
                ConversationMessage.status.in_(("sent", "unconfirmed")),
            )
            .order_by(ConversationMessage.created_at.desc())
            .limit(RECENT_MESSAGES)
        )
        asked = [m.created_at for m in rows.all() if (m.decision or {}).get("action") == "ask_lead"]
        return len(asked), max(asked, default=None)

    async def _has(self, source_key: str) -> bool:
        found = await self._session.scalar(
            select(CustomerEvent.id).where(
                CustomerEvent.tenant_id == self._tenant_id, CustomerEvent.source_key == source_key
            )
        )
        return found is not None


class ScoringRuleRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def current(self) -> tuple[ScoringRules, int, bool]:
        """The tenant's rules, their version and whether the tenant set them (else the defaults, version 0)."""
        row = await self._session.get(ScoringRuleSet, self._tenant_id)
        if row is None:
            return default_rules(), 0, False
        return ScoringRules.model_validate(row.document), row.version, True

    async def rules(self) -> ScoringRules:
        return (await self.current())[0]

    async def replace(self, rules: ScoringRules, user_id: str) -> int:
        row = await self._session.get(ScoringRuleSet, self._tenant_id)
        document = rules.model_dump(mode="json")
        if row is None:
            row = ScoringRuleSet(tenant_id=self._tenant_id, document=document, version=1, updated_by=user_id)
            self._session.add(row)
        else:
            row.document, row.version, row.updated_by = document, row.version + 1, user_id
        await self._session.flush()
        return row.version

    async def reset(self) -> bool:
        row = await self._session.get(ScoringRuleSet, self._tenant_id)
        if row is None:
            return False
        await self._session.delete(row)
        await self._session.flush()
        return True
