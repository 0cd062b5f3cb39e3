"""The review dashboard's customer side (seed 18): one grouped query over the daily rollup the writes keep
(`funnel_days`, douflow/customers/funnel_days.py), none over openings, leads, deals, comments, transcripts or
behaviour events, so a year costs a few rows per account and day.

Attribution was decided when each conversation opened (`douflow/customers/openings.py`); leads are credited
to the opening they were left in, deals to the opening stored with them. Views come from the metrics rollups
(by account) and, for the items listed, the per-item daily rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.metrics import tenant_zone
from douflow.content.metrics_queries import local_range
from douflow.customers.funnel_days import COUNTERS, UNANSWERED
from douflow.db.conversation_tables import Lead
from douflow.db.funnel_tables import ConversationSession, Deal, FunnelDay
from douflow.db.journey_tables import Journey, JourneyEnrolment
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

TOP_ITEMS = 20
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


@dataclass
class _Days:
    sources: dict[str, LeadConversion] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    responses: dict[str, int] = field(default_factory=lambda: defaultdict(int))


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
        days = await self._days(from_day, to_day, account_id, axes)
        await self._contents_and_views(window, from_day, to_day, account_id, axes)
        items = await self._top_items(axes, window, from_day, to_day)
        pending = await self._pending(window, account_id, sla_seconds, now)
        return CustomerReview(
            attribution_days=attribution_days,
            funnel=FunnelCounts(**axes.total),
            unattributed=FunnelCounts(**axes.unattributed),
            by_account=_rows(axes.by["account"], await self._account_labels()),
            by_content=items,
            by_agent=_rows(axes.by["agent"], await self._agent_labels(axes.by["agent"])),
            by_journey=await self.by_journey(window, account_id),
            resolution=Resolution(
                closed=days.closed["bot"] + days.closed["human"],
                bot=days.closed["bot"],
                human=days.closed["human"],
            ),
            first_response=_first_response(days.responses, pending, sla_seconds),
            lead_conversion=sorted(days.sources.values(), key=lambda c: (-c.leads, c.source)),
        )

    async def by_journey(self, window: Window, account_id: str | None) -> list[FunnelRow]:
        """The funnel of the customers each journey enrolled: their conversation openings, leads and deals in
        the period that came after they entered it (one grouped query per stage; a customer enrolled twice
        counts each stage once per journey). Journeys of the account named, when one is."""
        j = Journey
        query = select(j.id, j.name).where(j.tenant_id == self._tenant_id)
        if account_id is not None:
            query = query.where(j.account_id == account_id)
        names = {journey_id: name for journey_id, name in await self._session.execute(query)}
        if not names:
            return []
        s, lead, deal = ConversationSession, Lead, Deal
        stages: list[tuple[str, Any, Any, Any, Any]] = [
            ("private_messages", s, s.opened_at, s.id, None),
            ("leads", lead, lead.created_at, lead.id, None),
            ("deals", deal, deal.closed_at, deal.id, deal.amount_fen),
        ]
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for stage, table, at, key, amount in stages:
            for journey_id, n, total in await self._journey_stage(
                window, list(names), table, at, key, amount
            ):
                counts[journey_id][stage] += int(n)
                if amount is not None:
                    counts[journey_id]["deal_amount_fen"] += int(total or 0)
        rows = [
            FunnelRow(key=journey_id, label=name, counts=FunnelCounts(**counts.get(journey_id, {})))
            for journey_id, name in names.items()
        ]
        return sorted(
            rows, key=lambda r: (-r.counts.deals, -r.counts.leads, -r.counts.private_messages, r.key)
        )

    async def _journey_stage(
        self, window: Window, journeys: list[str], table: Any, at: Any, key: Any, amount: Any
    ) -> list[tuple[str, int, int | None]]:
        e = JourneyEnrolment
        start, end = window
        columns = [e.journey_id.label("journey_id"), key.label("stage_id")]
        if amount is not None:
            columns.append(amount.label("amount"))
        entered = (
            select(*columns)
            .join(
                e,
                (e.tenant_id == table.tenant_id)
                & (e.customer_id == table.customer_id)
                & (e.entered_at <= at),
            )
            .where(table.tenant_id == self._tenant_id, at >= start, at < end, e.journey_id.in_(journeys))
            .distinct()
            .subquery()
        )
        total = func.sum(entered.c.amount) if amount is not None else func.sum(0)
        rows = await self._session.execute(
            select(entered.c.journey_id, func.count(), total).group_by(entered.c.journey_id)
        )
        return [(journey_id, n, t) for journey_id, n, t in rows]

    async def _days(self, from_day: date, to_day: date, account_id: str | None, axes: _Axes) -> _Days:
        """The period's rollup rows summed by facet, account and key: one grouped query over a few rows per
        day, however many conversations, leads, deals and comments the period holds."""
        f = FunnelDay
        sums = [func.sum(f.__table__.c[c]) for c in COUNTERS]
        rows: list[Any] = []
        for span, first, last in spans(from_day, to_day):
            query = select(f.facet, f.account_id, f.key, *sums).where(
                f.tenant_id == self._tenant_id, f.span == span, f.day >= first, f.day <= last
            )
            if account_id is not None:
                query = query.where(f.account_id == account_id)
            rows += (await self._session.execute(query.group_by(f.facet, f.account_id, f.key))).all()
        found = _Days()
        for facet, account, key, *summed in rows:
            values = dict(zip(COUNTERS, (int(v or 0) for v in summed), strict=True))
            if facet == "item":
                for stage in ("private_messages", "comments", "leads", "deals", "deal_amount_fen"):
                    if values[stage]:
                        axes.add(
                            stage, values[stage], account=account or None, item=key or None, agent_axis=False
                        )
            elif facet == "agent":
                for stage in ("private_messages", "leads", "deals", "deal_amount_fen"):
                    if values[stage]:
                        axes.by["agent"][key or BOT_ONLY][stage] += values[stage]
            elif facet == "source":
                row = found.sources.setdefault(key, LeadConversion(source=key))
                row.leads += values["leads"]
                row.converted += values["converted"]
                row.deals += values["deals"]
                row.deal_amount_fen += values["deal_amount_fen"]
            elif facet == "closed":
                found.closed[key] += values["n"]
            elif facet == "response":
                found.responses[key] += values["n"]
        return found

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

    async def _pending(self, window: Window, account_id: str | None, sla_seconds: int, now: datetime) -> int:
        """Openings whose customer wrote less than the SLA ago and got no reply yet (a few rows at most)."""
        s = ConversationSession
        start, end = window
        query = select(func.count()).where(
            s.tenant_id == self._tenant_id,
            s.first_customer_at >= max(start, now - timedelta(seconds=sla_seconds)),
            s.first_customer_at < end,
            s.first_reply_at.is_(None),
        )
        if account_id is not None:
            query = query.where(s.account_id == account_id)
        return int(await self._session.scalar(query) or 0)

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


def spans(from_day: date, to_day: date) -> list[tuple[str, date, date]]:
    """The rollup rows that cover [from, to]: whole months as month rows, the days around them as day rows."""
    first_month = from_day if from_day.day == 1 else _next_month(from_day)
    end = _next_month(to_day) if _next_month(to_day) - timedelta(days=1) == to_day else to_day.replace(day=1)
    if first_month >= end:
        return [("day", from_day, to_day)]
    found = [("month", first_month, end - timedelta(days=1))]
    if from_day < first_month:
        found.append(("day", from_day, first_month - timedelta(days=1)))
    if end <= to_day:
        found.append(("day", end, to_day))
    return found


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _first_response(responses: dict[str, int], pending: int, sla_seconds: int) -> FirstResponse:
    """From the period's first-response buckets (bucket: its upper bound in seconds; '' unanswered)."""
    histogram = [(int(key), n) for key, n in responses.items() if key != UNANSWERED and n]
    answered = sum(n for _, n in histogram)
    unanswered = max(responses.get(UNANSWERED, 0), 0)
    return FirstResponse(
        sla_seconds=sla_seconds,
        conversations=answered + max(unanswered - pending, 0),
        answered=answered,
        within_sla=sum(n for bucket, n in histogram if bucket <= sla_seconds),
        pending=min(pending, unanswered),
        p50_seconds=_percentile(histogram, 0.5),
        p90_seconds=_percentile(histogram, 0.9),
    )


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
