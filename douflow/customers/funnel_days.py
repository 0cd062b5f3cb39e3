"""The review dashboard's daily rollup (`funnel_days`), kept by the writes that change what it counts.

Each change is added once, as a delta, in the transaction of the write that made it, and only when that write
changed something (a new opening, lead, deal or comment; a first reply; the first person answering; a close):
a retried activity finds its row written and adds nothing, and concurrent writes add up (INSERT … ON CONFLICT
DO UPDATE n = n + delta), so the rollup stays equal to counting the rows. The day is the tenant's local day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.metrics import tenant_zone
from douflow.db.funnel_tables import ConversationSession, Deal, FunnelDay
from douflow.db.upsert import insert_for

Facet = Literal["item", "agent", "source", "closed", "response"]
COUNTERS = ("private_messages", "comments", "leads", "converted", "deals", "deal_amount_fen", "n")
WITHOUT_LEAD = "without_lead"
UNANSWERED = ""


# First responses are counted in buckets, each named by its upper bound in seconds: percentiles read to the
# bucket, and an SLA on a bound (60 s is one) counts exactly; between bounds, only the bucket below counts.
RESPONSE_BOUNDS = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800,
)  # fmt: skip
LAST_BOUND = 10**9


def response_bucket(seconds: int) -> int:
    """The smallest bound at or above the seconds (a first response over two days: one bucket)."""
    return next((bound for bound in RESPONSE_BOUNDS if seconds <= bound), LAST_BOUND)


class FunnelDays:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self._zone: ZoneInfo | None = None

    async def add(
        self, at: datetime, facet: Facet, account_id: str | None, key: str | None, **delta: int
    ) -> None:
        """The delta on the day's row and on the month's row."""
        values = {name: delta.get(name, 0) for name in COUNTERS}
        day = await self._day(at)
        table = FunnelDay.__table__
        for span, first in (("day", day), ("month", day.replace(day=1))):
            row = {
                "tenant_id": self._tenant_id,
                "span": span,
                "day": first,
                "facet": facet,
                "account_id": account_id or "",
                "key": key or "",
                **values,
            }
            statement = insert_for(self._session, table).values(row)
            statement = statement.on_conflict_do_update(
                index_elements=["tenant_id", "span", "day", "facet", "account_id", "key"],
                set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS if values[name]},
            )
            await self._session.execute(statement)

    async def opened(self, opening: ConversationSession) -> None:
        await self.add(
            opening.opened_at, "item", opening.account_id, opening.attributed_item_id, private_messages=1
        )
        await self.add(opening.opened_at, "agent", opening.account_id, None, private_messages=1)

    async def first_message(self, opening: ConversationSession) -> None:
        assert opening.first_customer_at is not None
        await self.add(opening.first_customer_at, "response", opening.account_id, UNANSWERED, n=1)

    async def first_reply(self, opening: ConversationSession) -> None:
        assert opening.first_customer_at is not None and opening.first_response_seconds is not None
        bucket = str(response_bucket(opening.first_response_seconds))
        await self.add(opening.first_customer_at, "response", opening.account_id, UNANSWERED, n=-1)
        await self.add(opening.first_customer_at, "response", opening.account_id, bucket, n=1)

    async def agent_joined(self, opening: ConversationSession) -> None:
        """The opening moves from nobody to the first person who answered it, on the day it opened."""
        await self.add(opening.opened_at, "agent", opening.account_id, None, private_messages=-1)
        await self.add(
            opening.opened_at, "agent", opening.account_id, opening.agent_user_id, private_messages=1
        )

    async def closed(self, opening: ConversationSession) -> None:
        assert opening.closed_at is not None
        kind = "human" if opening.human_replied else "bot"
        await self.add(opening.closed_at, "closed", opening.account_id, kind, n=1)

    async def lead(self, at: datetime, source: str, opening: ConversationSession | None) -> None:
        account = opening.account_id if opening else None
        await self.add(at, "item", account, opening.attributed_item_id if opening else None, leads=1)
        await self.add(at, "agent", account, opening.agent_user_id if opening else None, leads=1)
        await self.add(at, "source", account, source, leads=1)

    async def deal(
        self,
        deal: Deal,
        opening: ConversationSession | None,
        lead_source: str | None,
        first_of_lead_at: datetime | None,
    ) -> None:
        """A new deal, and its lead converted when it is the lead's first (on the lead's day)."""
        account = opening.account_id if opening else None
        item = opening.attributed_item_id if opening else None
        amount = deal.amount_fen
        await self.add(deal.closed_at, "item", account, item, deals=1, deal_amount_fen=amount)
        await self.add(deal.closed_at, "agent", account, deal.agent_user_id, deals=1, deal_amount_fen=amount)
        source = lead_source or WITHOUT_LEAD
        await self.add(deal.closed_at, "source", account, source, deals=1, deal_amount_fen=amount)
        if first_of_lead_at is not None:
            await self.add(first_of_lead_at, "source", account, source, converted=1)

    async def comment(self, at: datetime, account_id: str, item_id: str) -> None:
        await self.add(at, "item", account_id, item_id, comments=1)

    async def _day(self, at: datetime) -> date:
        if self._zone is None:
            self._zone = await tenant_zone(self._session, self._tenant_id)
        return at.astimezone(self._zone).date()
