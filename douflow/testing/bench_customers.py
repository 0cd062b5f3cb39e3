"""The customer side of a year for bench/dashboard.py: conversations and their openings, behaviour events,
comments, leads and deals, deterministic from a seed, as rows ready for a bulk insert.

Openings carry what the conversation activities write when they happen (attribution, first response, whether
a person answered, when it closed), and the daily rollup holds what those writes add to it. Engagement with an
item follows its views (most in its first days), so the comments on an item and the conversations credited to
it fall mostly within days of its publication; the rest of the conversations are spread over the year.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from douflow.customers.funnel_days import COUNTERS, WITHOUT_LEAD, response_bucket

YEAR = 365 * 86400
EVENT_TYPES = (
    "message_received",
    "price_question",
    "new_video_digg",
    "new_follow_action",
    "im_enter_direct_msg",
)
Rows = dict[str, list[dict[str, Any]]]
Item = tuple[str, datetime]  # id, published
ZONE = ZoneInfo("Asia/Shanghai")
ENGAGED_DAYS = 2.0  # mean days from an item's publication to a comment on it or a conversation it brought


class CustomerSeeder:
    def __init__(
        self, tenant_id: str, accounts: list[str], items: dict[str, list[Item]], agent_user_id: str | None,
        now: datetime, seed: int = 11,
    ) -> None:  # fmt: skip
        self.tenant_id = tenant_id
        self.accounts = accounts
        self.items = items  # account id → its items
        self.agent = agent_user_id
        self.now = now
        self.rng = random.Random(seed)
        self.rows: Rows = defaultdict(list)

    def build(self, conversations: int, events: int, comments: int, leads: int, deals: int) -> Rows:
        customers = [self._customer(n) for n in range(max(1, conversations // 2))]
        openings: list[dict[str, Any]] = []
        for n in range(conversations):
            customer = customers[n // 2]
            account = self.accounts[(n // 2 + n % 2) % len(self.accounts)]
            openings += self._conversation(customer, account)
        self._events(customers, events)
        self._comments(customers, comments)
        chosen = self.rng.sample(openings, min(leads, len(openings)))
        made = [self._lead(opening) for opening in chosen]
        for lead, opening in self.rng.sample(list(zip(made, chosen, strict=True)), min(deals, len(made))):
            self._deal(lead, opening)
        self._rollup(openings)
        return self.rows

    def _engaged(self, published: datetime) -> datetime:
        at = published + timedelta(days=self.rng.expovariate(1 / ENGAGED_DAYS))
        return at if at < self.now else published + (self.now - published) * self.rng.random()

    def _moment(self, account: str) -> tuple[datetime, str | None]:
        """When a conversation opened, and the item it is credited to (60 %: shortly after publication)."""
        if self.items[account] and self.rng.random() < 0.6:
            item, published = self.rng.choice(self.items[account])
            return self._engaged(published), item
        return self._when(), None

    def _when(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(0, YEAR))

    def _customer(self, n: int) -> str:
        customer_id = str(uuid.uuid4())
        self.rows["customers"].append(
            {"id": customer_id, "tenant_id": self.tenant_id, "open_id": f"fan-{n}-{uuid.uuid4().hex[:8]}",
             "nickname": f"客户{n}", "tags": [], "level": "cold", "last_seen_at": self.now}
        )  # fmt: skip
        return customer_id

    def _conversation(self, customer: str, account: str) -> list[dict[str, Any]]:
        conversation_id, rng = str(uuid.uuid4()), self.rng
        times = sorted(self._moment(account) for _ in range(2 if rng.random() < 0.1 else 1))
        self.rows["conversations"].append(
            {"id": conversation_id, "tenant_id": self.tenant_id, "account_id": account, "customer_id": customer,
             "workflow_id": f"conversation-{account}-{customer}", "state": "closed", "opened_at": times[0][0],
             "last_message_at": times[-1][0]}
        )  # fmt: skip
        return [self._opening(conversation_id, customer, account, at, item) for at, item in times]

    def _opening(
        self, conversation: str, customer: str, account: str, at: datetime, item: str | None
    ) -> dict[str, Any]:
        rng = self.rng
        first = at + timedelta(seconds=rng.uniform(0, 5))
        roll = rng.random()
        by, seconds = ("bot", rng.uniform(2, 8)) if roll < 0.7 else ("agent", rng.uniform(20, 900))
        answered = roll < 0.9
        human = by == "agent" or rng.random() < 0.1
        opening = {
            "id": str(uuid.uuid4()), "tenant_id": self.tenant_id, "conversation_id": conversation,
            "account_id": account, "customer_id": customer, "opened_at": at,
            "attributed_item_id": item, "attributed_content_id": None,
            "attributed_via": "comment" if item else None, "attributed_at": at - timedelta(hours=5) if item else None,
            "first_customer_at": first,
            "first_reply_at": first + timedelta(seconds=seconds) if answered else None,
            "first_reply_by": by if answered else None,
            "first_response_seconds": round(seconds) if answered else None,
            "human_replied": human, "agent_user_id": self.agent if human else None,
            "closed_at": at + timedelta(days=1) if at + timedelta(days=1) < self.now else None,
        }  # fmt: skip
        self.rows["conversation_sessions"].append(opening)
        return opening

    def _events(self, customers: list[str], count: int) -> None:
        rng = self.rng
        for n in range(count):
            kind = rng.choice(EVENT_TYPES)
            account = rng.choice(self.accounts)
            detail = {"account_id": account, "item_id": rng.choice(self.items[account])[0]} if (
                kind == "new_video_digg" and self.items[account]) else {}  # fmt: skip
            self.rows["customer_events"].append(
                {"id": str(uuid.uuid4()), "tenant_id": self.tenant_id, "customer_id": rng.choice(customers),
                 "type": kind, "detail": detail, "source_key": f"{kind}:{n}:{uuid.uuid4().hex[:8]}",
                 "occurred_at": self._when(), "created_at": self.now}
            )  # fmt: skip

    def _comments(self, customers: list[str], count: int) -> None:
        rng = self.rng
        for n in range(count):
            account = rng.choice(self.accounts)
            if not self.items[account]:
                continue
            item, published = rng.choice(self.items[account])
            at = self._engaged(published)
            self.rows["comments"].append(
                {"id": str(uuid.uuid4()), "tenant_id": self.tenant_id, "account_id": account,
                 "item_id": item, "comment_id": f"c{n}-{uuid.uuid4().hex[:8]}",
                 "author_open_id": f"fan-{rng.randrange(len(customers))}", "text": "多少钱？",
                 "commented_at": at, "workflow_id": f"comment-{n}", "status": "replied", "findings": [],
                 "cited": [], "created_at": at, "updated_at": at}
            )  # fmt: skip

    def _lead(self, opening: dict[str, Any]) -> str:
        lead_id = str(uuid.uuid4())
        self.rows["leads"].append(
            {"id": lead_id, "tenant_id": self.tenant_id, "customer_id": opening["customer_id"],
             "conversation_id": opening["conversation_id"], "session_id": opening["id"], "phone": "13812341234",
             "source": self.rng.choice(("message", "card")), "source_key": f"lead:{lead_id}", "consent": True,
             "created_at": opening["opened_at"] + timedelta(minutes=10)}
        )  # fmt: skip
        return lead_id

    def _deal(self, lead: str, opening: dict[str, Any]) -> None:
        closed = min(opening["opened_at"] + timedelta(days=self.rng.uniform(0, 20)), self.now)
        self.rows["deals"].append(
            {"id": str(uuid.uuid4()), "tenant_id": self.tenant_id, "customer_id": opening["customer_id"],
             "lead_id": lead, "task_id": None, "agent_user_id": self.agent,
             "amount_fen": self.rng.randrange(1_000, 500_000), "note": "", "closed_at": closed,
             "session_id": opening["id"], "created_at": closed}
        )  # fmt: skip

    def _rollup(self, openings: list[dict[str, Any]]) -> None:
        """What the writes add to `funnel_days` (douflow/customers/funnel_days.py) for these rows."""
        days: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

        def add(at: datetime, facet: str, account: str | None, key: str | None, **delta: int) -> None:
            day = at.astimezone(ZONE).date()
            for span, first in (("day", day), ("month", day.replace(day=1))):
                cell = days[(span, first, facet, account or "", key or "")]
                for name, value in delta.items():
                    cell[name] += value

        by_id = {o["id"]: o for o in openings}
        for o in openings:
            account = o["account_id"]
            add(o["opened_at"], "item", account, o["attributed_item_id"], private_messages=1)
            add(o["opened_at"], "agent", account, o["agent_user_id"], private_messages=1)
            seconds = o["first_response_seconds"]
            bucket = "" if seconds is None else str(response_bucket(seconds))
            add(o["first_customer_at"], "response", account, bucket, n=1)
            if o["closed_at"] is not None:
                add(o["closed_at"], "closed", account, "human" if o["human_replied"] else "bot", n=1)
        sources: dict[str, dict[str, Any]] = {}
        for lead in self.rows["leads"]:
            o = by_id[lead["session_id"]]
            sources[lead["id"]] = lead
            add(lead["created_at"], "item", o["account_id"], o["attributed_item_id"], leads=1)
            add(lead["created_at"], "agent", o["account_id"], o["agent_user_id"], leads=1)
            add(lead["created_at"], "source", o["account_id"], lead["source"], leads=1)
        for deal in self.rows["deals"]:
            o, of_lead = by_id[deal["session_id"]], sources.get(deal["lead_id"])
            amount, source = deal["amount_fen"], of_lead["source"] if of_lead else WITHOUT_LEAD
            add(
                deal["closed_at"],
                "item",
                o["account_id"],
                o["attributed_item_id"],
                deals=1,
                deal_amount_fen=amount,
            )
            add(
                deal["closed_at"],
                "agent",
                o["account_id"],
                deal["agent_user_id"],
                deals=1,
                deal_amount_fen=amount,
            )
            add(deal["closed_at"], "source", o["account_id"], source, deals=1, deal_amount_fen=amount)
            if of_lead is not None:  # one deal per lead here: each is its lead's first
                add(of_lead["created_at"], "source", o["account_id"], source, converted=1)
        for comment in self.rows["comments"]:
            add(comment["commented_at"], "item", comment["account_id"], comment["item_id"], comments=1)
        for (span, day, facet, account, key), values in days.items():
            self.rows["funnel_days"].append(
                {"tenant_id": self.tenant_id, "span": span, "day": day, "facet": facet, "account_id": account,
                 "key": key} | values
            )  # fmt: skip
