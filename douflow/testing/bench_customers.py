"""The customer side of a year for bench/dashboard.py: conversations and their openings, behaviour events,
comments, leads and deals, deterministic from a seed, as rows ready for a bulk insert.

Openings carry what the conversation activities write when they happen (attribution, first response, whether
a person answered, when it closed), so the rows look like a year of real traffic to the dashboard's queries.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

YEAR = 365 * 86400
EVENT_TYPES = (
    "message_received",
    "price_question",
    "new_video_digg",
    "new_follow_action",
    "im_enter_direct_msg",
)
Rows = dict[str, list[dict[str, Any]]]


class CustomerSeeder:
    def __init__(
        self, tenant_id: str, accounts: list[str], items: dict[str, list[str]], agent_user_id: str | None,
        now: datetime, seed: int = 11,
    ) -> None:  # fmt: skip
        self.tenant_id = tenant_id
        self.accounts = accounts
        self.items = items  # account id → its item ids
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
        return self.rows

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
        times = sorted(self._when() for _ in range(2 if rng.random() < 0.1 else 1))
        self.rows["conversations"].append(
            {"id": conversation_id, "tenant_id": self.tenant_id, "account_id": account, "customer_id": customer,
             "workflow_id": f"conversation-{account}-{customer}", "state": "closed", "opened_at": times[0],
             "last_message_at": times[-1]}
        )  # fmt: skip
        return [self._opening(conversation_id, customer, account, at) for at in times]

    def _opening(self, conversation: str, customer: str, account: str, at: datetime) -> dict[str, Any]:
        rng = self.rng
        item = rng.choice(self.items[account]) if self.items[account] and rng.random() < 0.6 else None
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
            detail = {"account_id": account, "item_id": rng.choice(self.items[account])} if (
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
            at = self._when()
            self.rows["comments"].append(
                {"id": str(uuid.uuid4()), "tenant_id": self.tenant_id, "account_id": account,
                 "item_id": rng.choice(self.items[account]), "comment_id": f"c{n}-{uuid.uuid4().hex[:8]}",
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
