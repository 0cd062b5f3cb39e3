"""The review dashboard's customer side (seed 18): a few grouped queries over conversation openings, leads,
deals and comments, none per row, none over transcripts or behaviour events.

Attribution was decided when each conversation opened (`douflow/customers/openings.py`); leads are credited
to their conversation's opening at the time, deals to the opening stored with them. Views come from the daily
rollups (by account) and, for the items listed, the per-item daily rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.metrics import tenant_zone
from douflow.content.metrics_queries import local_range
from douflow.db.comment_tables import ItemComment
from douflow.db.conversation_tables import Lead
from douflow.db.funnel_tables import ConversationSession, Deal
from douflow.db.metrics_tables import DouyinItem, MetricDaily, MetricRollup
from douflow.db.tables import DouyinAccount, User
from models.funnel import (
    BOT_ONLY,
    CustomerReview,
    FirstResponse,
    FunnelCounts,
    FunnelRow,
    LeadConversion,
    Resolution,
)

TOP_ITEMS = 50
WITHOUT_LEAD = "without_lead"
# First responses are counted to the second up to this, then to the minute (the histogram stays small).
EXACT_SECONDS = 600
Window = tuple[datetime, datetime]
Tally = dict[str, dict[str, int]]


class _Axes:
    """Counts by account, item and agent, the totals and the unattributed share."""

    def __init__(self) -> None:
        self.total: dict[str, int] = defaultdict(int)
        self.unattributed: dict[str, int] = defaultdict(int)
        self.by: dict[str, Tally] = {
            axis: defaultdict(lambda: defaultdict(int)) for axis in ("account", "item", "agent")
        }

    def add(
        self, stage: str, n: int, *, account: str | None, item: str | None, agent: str | None = None,
        agent_axis: bool = True,
    ) -> None:  # fmt: skip
        self.total[stage] += n
        if account is not None:
            self.by["account"][account][stage] += n
        if item is not None:
            self.by["item"][item][stage] += n
        else:
            self.unattributed[stage] += n
        if agent_axis:
            self.by["agent"][agent or BOT_ONLY][stage] += n


class FunnelQueries:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def review(
        self,
        from_day: date,
        to_day: date,
        account_id: str | None,
        *,
        attribution_days: int,
        sla_seconds: int,
        now: datetime,
    ) -> CustomerReview:
        window = local_range(await tenant_zone(self._session, self._tenant_id), from_day, to_day)
        axes = _Axes()
        await self._openings(window, account_id, axes)
        conversion = await self._leads(window, account_id, axes)
        await self._deals(window, account_id, axes, conversion)
        await self._comments(window, account_id, axes)
        await self._contents_and_views(window, from_day, to_day, account_id, axes)
        items = await self._top_items(axes, window, from_day, to_day)
        return CustomerReview(
            attribution_days=attribution_days,
            funnel=FunnelCounts(**axes.total),
            unattributed=FunnelCounts(**axes.unattributed),
            by_account=_rows(axes.by["account"], await self._account_labels()),
            by_content=items,
            by_agent=_rows(axes.by["agent"], await self._agent_labels(axes.by["agent"])),
            by_journey=await self.by_journey(window, account_id),
            resolution=await self._resolution(window, account_id),
            first_response=await self._first_response(window, account_id, sla_seconds, now),
            lead_conversion=sorted(conversion.values(), key=lambda c: (-c.leads, c.source)),
        )

    async def by_journey(self, window: Window, account_id: str | None) -> list[FunnelRow]:
        """Hook for customer journeys (seed 15): the funnel of the customers each journey enrolled.

        Empty until the journeys' enrolment table exists: wire it here after the merge with one grouped query
        per stage joining enrolments (tenant, journey, customer, enrolled_at) to openings, leads and deals by
        customer (credited when the stage happened after the enrolment started), keyed by journey id."""
        return []

    def _opening_filter(
        self, column: Any, window: Window, account_id: str | None
    ) -> list[ColumnElement[bool]]:
        start, end = window
        where = [ConversationSession.tenant_id == self._tenant_id, column >= start, column < end]
        if account_id is not None:
            where.append(ConversationSession.account_id == account_id)
        return where

    async def _openings(self, window: Window, account_id: str | None, axes: _Axes) -> None:
        s = ConversationSession
        rows = await self._session.execute(
            select(s.account_id, s.attributed_item_id, s.agent_user_id, func.count())
            .where(*self._opening_filter(s.opened_at, window, account_id))
            .group_by(s.account_id, s.attributed_item_id, s.agent_user_id)
        )
        for account, item, agent, n in rows:
            axes.add("private_messages", n, account=account, item=item, agent=agent)

    async def _leads(self, window: Window, account_id: str | None, axes: _Axes) -> dict[str, LeadConversion]:
        """Leads of the period, credited to the opening they were left in, with whether each has a deal;
        one grouped query."""
        s, lead = ConversationSession, Lead
        converted = exists().where(Deal.tenant_id == lead.tenant_id, Deal.lead_id == lead.id)
        start, end = window
        query = (
            select(lead.source, s.account_id, s.attributed_item_id, s.agent_user_id, converted, func.count())
            .select_from(lead)
            .outerjoin(s, s.id == lead.session_id)
            .where(lead.tenant_id == self._tenant_id, lead.created_at >= start, lead.created_at < end)
            .group_by(lead.source, s.account_id, s.attributed_item_id, s.agent_user_id, converted)
        )
        if account_id is not None:
            query = query.where(s.account_id == account_id)
        conversion: dict[str, LeadConversion] = {}
        for source, account, item, agent, has_deal, n in await self._session.execute(query):
            axes.add("leads", n, account=account, item=item, agent=agent)
            row = conversion.setdefault(source, LeadConversion(source=source))
            row.leads += n
            row.converted += n if has_deal else 0
        return conversion

    async def _deals(
        self, window: Window, account_id: str | None, axes: _Axes, conversion: dict[str, LeadConversion]
    ) -> None:
        """Deals closed in the period, by the opening they are credited to and the agent who recorded them."""
        s, deal = ConversationSession, Deal
        start, end = window
        query = (
            select(
                s.account_id,
                s.attributed_item_id,
                deal.agent_user_id,
                Lead.source,
                func.count(),
                func.coalesce(func.sum(deal.amount_fen), 0),
            )
            .select_from(deal)
            .outerjoin(s, s.id == deal.session_id)
            .outerjoin(Lead, Lead.id == deal.lead_id)
            .where(deal.tenant_id == self._tenant_id, deal.closed_at >= start, deal.closed_at < end)
            .group_by(s.account_id, s.attributed_item_id, deal.agent_user_id, Lead.source)
        )
        if account_id is not None:
            query = query.where(s.account_id == account_id)
        for account, item, agent, source, n, amount in await self._session.execute(query):
            axes.add("deals", n, account=account, item=item, agent=agent)
            axes.add("deal_amount_fen", int(amount), account=account, item=item, agent=agent)
            key = source or WITHOUT_LEAD
            row = conversion.setdefault(key, LeadConversion(source=key))
            row.deals += n
            row.deal_amount_fen += int(amount)

    async def _comments(self, window: Window, account_id: str | None, axes: _Axes) -> None:
        start, end = window
        c = ItemComment
        query = select(c.account_id, c.item_id, func.count()).where(
            c.tenant_id == self._tenant_id, c.commented_at >= start, c.commented_at < end
        )
        if account_id is not None:
            query = query.where(c.account_id == account_id)
        for account, item, n in await self._session.execute(query.group_by(c.account_id, c.item_id)):
            axes.add("comments", n, account=account, item=item, agent_axis=False)

    async def _contents_and_views(
        self, window: Window, from_day: date, to_day: date, account_id: str | None, axes: _Axes
    ) -> None:
        """Items published in the period and plays gained, by account (per item only for the items listed)."""
        start, end = window
        items = select(DouyinItem.account_id, func.count()).where(
            DouyinItem.tenant_id == self._tenant_id,
            DouyinItem.created_on_douyin >= start,
            DouyinItem.created_on_douyin < end,
        )
        rollups = select(MetricRollup.account_id, func.coalesce(func.sum(MetricRollup.play), 0)).where(
            MetricRollup.tenant_id == self._tenant_id,
            MetricRollup.day >= from_day,
            MetricRollup.day <= to_day,
        )
        if account_id is not None:
            items = items.where(DouyinItem.account_id == account_id)
            rollups = rollups.where(MetricRollup.account_id == account_id)
        for stage, query, column in (
            ("contents", items, DouyinItem.account_id),
            ("views", rollups, MetricRollup.account_id),
        ):
            for account, n in await self._session.execute(query.group_by(column)):
                axes.total[stage] += int(n)
                axes.by["account"][account][stage] += int(n)

    async def _top_items(self, axes: _Axes, window: Window, from_day: date, to_day: date) -> list[FunnelRow]:
        """The items with the most deals, leads, private messages and comments, with their plays and whether
        they were published in the period."""
        ranked = sorted(axes.by["item"].items(), key=lambda kv: (*_rank(kv[1]), kv[0]))[:TOP_ITEMS]
        chosen = [item for item, _ in ranked]
        if not chosen:
            return []
        info = await self._session.execute(
            select(
                DouyinItem.item_id, DouyinItem.title, DouyinItem.content_id, DouyinItem.created_on_douyin
            ).where(DouyinItem.tenant_id == self._tenant_id, DouyinItem.item_id.in_(chosen))
        )
        start, end = window
        known = {item: (title, content, start <= at < end) for item, title, content, at in info}
        plays = await self._session.execute(
            select(MetricDaily.item_id, func.coalesce(func.sum(MetricDaily.play), 0))
            .where(
                MetricDaily.tenant_id == self._tenant_id,
                MetricDaily.item_id.in_(chosen),
                MetricDaily.day >= from_day,
                MetricDaily.day <= to_day,
            )
            .group_by(MetricDaily.item_id)
        )
        views = {item: int(n) for item, n in plays}
        rows = []
        for item, counts in ranked:
            title, content_id, published = known.get(item, ("", None, False))
            counts = {**counts, "views": views.get(item, 0), "contents": int(published)}
            rows.append(
                FunnelRow(key=item, label=title, content_id=content_id, counts=FunnelCounts(**counts))
            )
        return rows

    async def _resolution(self, window: Window, account_id: str | None) -> Resolution:
        s = ConversationSession
        rows = await self._session.execute(
            select(s.human_replied, func.count())
            .where(*self._opening_filter(s.closed_at, window, account_id))
            .group_by(s.human_replied)
        )
        by = {bool(human): int(n) for human, n in rows}
        return Resolution(closed=sum(by.values()), bot=by.get(False, 0), human=by.get(True, 0))

    async def _first_response(
        self, window: Window, account_id: str | None, sla_seconds: int, now: datetime
    ) -> FirstResponse:
        """One grouped query: a histogram of first-response seconds (exact to ten minutes, then by minute),
        whether each was within the SLA, and the unanswered split into pending and missed."""
        s = ConversationSession
        seconds = s.first_response_seconds
        bucket = case((seconds < EXACT_SECONDS, seconds), else_=(seconds // 60) * 60)
        within = case((seconds <= sla_seconds, 1), else_=0)
        pending = case(
            (s.first_reply_at.is_(None) & (s.first_customer_at > now - timedelta(seconds=sla_seconds)), 1),
            else_=0,
        )
        rows = await self._session.execute(
            select(bucket, within, pending, func.count())
            .where(*self._opening_filter(s.first_customer_at, window, account_id))
            .group_by(bucket, within, pending)
        )
        answer = FirstResponse(sla_seconds=sla_seconds)
        histogram: list[tuple[int, int]] = []
        for value, hit, waiting, n in rows:
            if value is not None:
                histogram.append((int(value), int(n)))
                answer.answered += n
                answer.within_sla += n if hit else 0
            elif waiting:
                answer.pending += n
            answer.conversations += 0 if waiting and value is None else n
        answer.p50_seconds = _percentile(histogram, 0.5)
        answer.p90_seconds = _percentile(histogram, 0.9)
        return answer

    async def _account_labels(self) -> dict[str, str]:
        rows = await self._session.execute(
            select(DouyinAccount.id, DouyinAccount.nickname).where(DouyinAccount.tenant_id == self._tenant_id)
        )
        return {account: nickname or "" for account, nickname in rows}

    async def _agent_labels(self, agents: Tally) -> dict[str, str]:
        ids = [key for key in agents if key != BOT_ONLY]
        if not ids:
            return {}
        rows = await self._session.execute(
            select(User.id, User.display_name, User.username).where(
                User.tenant_id == self._tenant_id, User.id.in_(ids)
            )
        )
        return {user: shown or name for user, shown, name in rows}


def _percentile(histogram: list[tuple[int, int]], q: float) -> float | None:
    """The nearest-rank percentile of (value, count) pairs."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    rank, seen = max(1, math.ceil(q * total)), 0
    for value, n in sorted(histogram):
        seen += n
        if seen >= rank:
            return float(value)
    return float(histogram[-1][0])


def _rank(counts: dict[str, int]) -> tuple[int, ...]:
    return (-counts["deals"], -counts["leads"], -counts["private_messages"], -counts["comments"])


def _rows(tally: Tally, labels: dict[str, str]) -> list[FunnelRow]:
    rows = [
        FunnelRow(key=key, label=labels.get(key, ""), counts=FunnelCounts(**counts))
        for key, counts in tally.items()
    ]
    return sorted(rows, key=lambda r: (*_rank(r.counts.model_dump()), r.key))
