"""The review dashboard's customer side against hand-countable data: a tenant with two accounts, five
customers who commented, liked, wrote, were answered by the bot or people, left leads and closed deals, all
written through the orchestration activities the workflows call; deals through the BFF."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.content.metrics import tenant_zone
from douflow.customers.deals import DealRepository
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Conversation
from douflow.db.journey_tables import Journey, JourneyEnrolment
from douflow.settings import Settings
from tests.support.auth import TestUser, user_with_token
from tests.support.funnel import CustomerSide, customer_side

pytestmark = pytest.mark.timeout(120)


@dataclass
class Funnel:
    side: CustomerSide
    agent_b: TestUser
    agent_c: TestUser
    accounts: dict[str, str]
    items: dict[str, str]
    params: dict[str, str]
    conversations: dict[str, str]
    leads: dict[str, str]
    today: date
    now: datetime


async def _deal(
    http: httpx.AsyncClient, user: TestUser, lead_id: str, amount: int, **extra: Any
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/leads/{lead_id}/deals", json={"amount_fen": amount, **extra}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
async def funnel(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> Funnel:
    slug = f"funnel-{uuid.uuid4().hex[:8]}"
    agent_b = await user_with_token(http, sessionmaker, slug, "bea", "agent")
    agent_c = await user_with_token(http, sessionmaker, slug, "cai", "agent")
    side = customer_side(agent_b.tenant_id, temporal_env.client, settings, sessionmaker)
    now = utcnow()
    async with sessionmaker() as session:
        today = now.astimezone(await tenant_zone(session, side.tenant_id)).date()
    acc1, acc1_open = await side.account("咖啡店")
    acc2, acc2_open = await side.account("烘焙坊")
    item1 = await side.item(acc1, "新品拿铁", now - timedelta(days=6), content_id=str(uuid.uuid4()))
    item2 = await side.item(acc1, "老店故事", now - timedelta(days=20))
    item3 = await side.item(acc2, "可颂出炉", now - timedelta(days=4))
    await side.plays(acc1, today - timedelta(days=1), 700, item1)
    await side.plays(acc1, today - timedelta(days=2), 300)
    await side.plays(acc2, today - timedelta(days=2), 500)
    await side.plays(acc1, today - timedelta(days=30), 9999, item1)  # before the period

    # Engagement before the conversations: u1 commented 3 days ago (inside the 7-day window), u2 10 days
    # ago (outside), u3 liked item3 2 days ago, u5 commented on item1 then liked item2 (the later counts).
    await side.comment(acc1, item1, "u1", now - timedelta(days=3))
    await side.comment(acc1, item2, "u2", now - timedelta(days=10))
    await side.like(acc2_open, item3, "u3", now - timedelta(days=2))
    await side.comment(acc1, item1, "u5", now - timedelta(days=5))
    await side.like(acc1_open, item2, "u5", now - timedelta(days=1))

    opened = {
        name: await side.open(account, name)
        for name, account in (("u1", acc1), ("u2", acc1), ("u3", acc2), ("u4", acc2), ("u5", acc1))
    }
    ids = {name: o.conversation_id for name, o in opened.items()}
    t0 = now - timedelta(hours=2)
    # u1: the bot answers in 3 s, the conversation closes: resolved by the bot.
    await side.message(ids["u1"], "customer", t0)
    await side.message(ids["u1"], "bot", t0 + timedelta(seconds=3))
    await side.close(ids["u1"], t0 + timedelta(hours=1))
    # u2: the bot's answer is blocked by compliance; agent B answers after 90 s (an SLA miss); closed.
    await side.message(ids["u2"], "customer", t0)
    await side.message(ids["u2"], "bot", t0 + timedelta(seconds=2), status="blocked")
    await side.message(ids["u2"], "agent", t0 + timedelta(seconds=90), user_id=agent_b.user_id)
    await side.close(ids["u2"], t0 + timedelta(hours=1))
    # u3: the bot answers in 5 s, then agent C takes over and writes; closed: resolved by a person.
    await side.message(ids["u3"], "customer", t0)
    await side.message(ids["u3"], "bot", t0 + timedelta(seconds=5))
    await side.message(ids["u3"], "agent", t0 + timedelta(seconds=100), user_id=agent_c.user_id)
    await side.close(ids["u3"], t0 + timedelta(hours=1))
    # u4: nobody answered (missed); u5 wrote just now (pending: within the SLA still).
    await side.message(ids["u4"], "customer", t0)
    await side.message(ids["u5"], "customer", utcnow() + timedelta(minutes=5))

    leads = {
        "u1": await side.lead(opened["u1"], "message", utcnow()),
        "u3": await side.lead(opened["u3"], "card", utcnow()),
        "u4": await side.lead(opened["u4"], "message", utcnow()),
    }
    await _deal(http, agent_b, leads["u1"], 100_000, note="两箱咖啡豆")
    await _deal(http, agent_c, leads["u3"], 50_000)
    async with sessionmaker() as session:
        deals = DealRepository(session, side.tenant_id)
        # A deal on no lead (from a follow-up task), credited to the customer's latest conversation.
        await deals.record(opened["u2"].customer_id, agent_b.user_id, 20_000, utcnow(), task_id="task-u2")
        # One closed long before the period.
        await deals.record(opened["u4"].customer_id, agent_c.user_id, 77_000, now - timedelta(days=30))
        await session.commit()
    params = {"from": (today - timedelta(days=13)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    return Funnel(side, agent_b, agent_c, {"acc1": acc1, "acc2": acc2},
                  {"item1": item1, "item2": item2, "item3": item3}, params, ids, leads, today, now)  # fmt: skip


async def _customers(http: httpx.AsyncClient, user: TestUser, params: dict[str, str]) -> dict[str, Any]:
    response = await http.get("/api/v1/dashboard", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    customers: dict[str, Any] = response.json()["customers"]
    return customers


def _by(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {row["key"]: row["counts"] for row in rows}


async def test_the_funnel_counts_each_stage_of_the_period(http: httpx.AsyncClient, funnel: Funnel) -> None:
    customers = await _customers(http, funnel.agent_b, funnel.params)
    assert customers["attribution_days"] == 7
    assert customers["funnel"] == {
        "contents": 2,  # item1 and item3; item2 was published before the period
        "views": 1500,  # 700 + 300 + 500; the 9999 plays a month ago are outside
        "comments": 3,  # u1, u2 (10 days ago is inside the 14-day period), u5
        "private_messages": 5,
        "leads": 3,
        "deals": 3,  # the deal a month ago is outside
        "deal_amount_fen": 170_000,
    }


async def test_conversations_are_credited_to_the_last_engagement_within_the_window(
    http: httpx.AsyncClient, funnel: Funnel
) -> None:
    customers = await _customers(http, funnel.agent_b, funnel.params)
    items = _by(customers["by_content"])
    item1, item2, item3 = (funnel.items[k] for k in ("item1", "item2", "item3"))
    # u1 commented on item1 3 days before; u5's like on item2 is later than its comment on item1.
    assert (items[item1]["private_messages"], items[item1]["leads"], items[item1]["deals"]) == (1, 1, 1)
    assert (items[item1]["comments"], items[item1]["views"], items[item1]["contents"]) == (2, 700, 1)
    assert (items[item2]["private_messages"], items[item2]["comments"], items[item2]["contents"]) == (1, 1, 0)
    assert (items[item3]["private_messages"], items[item3]["leads"], items[item3]["deals"]) == (1, 1, 1)
    first = next(row for row in customers["by_content"] if row["key"] == item1)
    assert first["label"] == "新品拿铁" and first["content_id"]
    # u2's comment was 10 days before (outside the 7-day window), u4 never engaged: unattributed, and so
    # are u4's lead and the deal credited to u2's conversation.
    assert customers["unattributed"]["private_messages"] == 2
    assert customers["unattributed"]["leads"] == 1
    assert (customers["unattributed"]["deals"], customers["unattributed"]["deal_amount_fen"]) == (1, 20_000)


async def test_by_account_and_by_agent(http: httpx.AsyncClient, funnel: Funnel) -> None:
    customers = await _customers(http, funnel.agent_b, funnel.params)
    accounts = _by(customers["by_account"])
    acc1, acc2 = accounts[funnel.accounts["acc1"]], accounts[funnel.accounts["acc2"]]
    assert (acc1["contents"], acc1["views"], acc1["comments"], acc1["private_messages"]) == (1, 1000, 3, 3)
    assert (acc1["leads"], acc1["deals"], acc1["deal_amount_fen"]) == (1, 2, 120_000)
    assert (acc2["contents"], acc2["views"], acc2["comments"], acc2["private_messages"]) == (1, 500, 0, 2)
    assert (acc2["leads"], acc2["deals"], acc2["deal_amount_fen"]) == (2, 1, 50_000)
    labels = {row["key"]: row["label"] for row in customers["by_account"]}
    assert labels[funnel.accounts["acc1"]] == "咖啡店"

    agents = _by(customers["by_agent"])
    b, c, bot = agents[funnel.agent_b.user_id], agents[funnel.agent_c.user_id], agents["bot"]
    # By the first person who answered a conversation; deals by who recorded them.
    assert (b["private_messages"], b["leads"], b["deals"], b["deal_amount_fen"]) == (1, 0, 2, 120_000)
    assert (c["private_messages"], c["leads"], c["deals"], c["deal_amount_fen"]) == (1, 1, 1, 50_000)
    assert (bot["private_messages"], bot["leads"], bot["deals"]) == (3, 2, 0)
    assert customers["by_journey"] == []


async def test_resolution_first_response_and_sla(http: httpx.AsyncClient, funnel: Funnel) -> None:
    customers = await _customers(http, funnel.agent_b, funnel.params)
    assert customers["resolution"] == {"closed": 3, "bot": 1, "human": 2, "bot_rate": 0.3333}
    # Answered in 3 s (bot), 90 s (agent; the blocked bot answer is no reply), 5 s (bot); u4 never: a
    # miss; u5 wrote less than the SLA ago: pending, not counted. Percentiles read to the bucket (≤ 5 s).
    assert customers["first_response"] == {
        "sla_seconds": 60,
        "conversations": 4,
        "answered": 3,
        "within_sla": 2,
        "pending": 1,
        "p50_seconds": 5.0,
        "p90_seconds": 90.0,
        "sla_hit_rate": 0.5,
    }


async def test_lead_conversion_by_source(http: httpx.AsyncClient, funnel: Funnel) -> None:
    customers = await _customers(http, funnel.agent_b, funnel.params)
    by_source = {row["source"]: row for row in customers["lead_conversion"]}
    assert {k: by_source["message"][k] for k in ("leads", "converted", "deals", "deal_amount_fen")} == {
        "leads": 2, "converted": 1, "deals": 1, "deal_amount_fen": 100_000,
    }  # fmt: skip
    assert by_source["message"]["conversion_rate"] == 0.5
    assert (by_source["card"]["leads"], by_source["card"]["converted"], by_source["card"]["deals"]) == (
        1,
        1,
        1,
    )
    assert (by_source["without_lead"]["leads"], by_source["without_lead"]["deals"]) == (0, 1)


async def test_one_account(http: httpx.AsyncClient, funnel: Funnel) -> None:
    params = funnel.params | {"account_id": funnel.accounts["acc2"]}
    customers = await _customers(http, funnel.agent_b, params)
    assert customers["funnel"] == {
        "contents": 1, "views": 500, "comments": 0, "private_messages": 2, "leads": 2, "deals": 1,
        "deal_amount_fen": 50_000,
    }  # fmt: skip
    assert customers["resolution"]["closed"] == 1
    assert customers["first_response"]["conversations"] == 2


async def test_another_tenant_sees_none_of_it(
    http: httpx.AsyncClient, funnel: Funnel, other_tenant_operator: TestUser
) -> None:
    customers = await _customers(http, other_tenant_operator, funnel.params)
    assert customers["funnel"]["private_messages"] == 0
    assert customers["funnel"]["deals"] == 0
    assert customers["by_content"] == [] and customers["lead_conversion"] == []
    assert customers["first_response"]["conversations"] == 0
    assert customers["first_response"]["sla_hit_rate"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"period": "month"}, "period"), ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to")],
)
async def test_a_bad_period_is_refused_naming_the_parameter(
    http: httpx.AsyncClient, funnel: Funnel, params: dict[str, str], field: str
) -> None:
    response = await http.get("/api/v1/dashboard", params=params, headers=funnel.agent_b.headers)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_a_reopened_conversation_is_a_new_opening_and_a_retry_adds_none(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> None:
    user = await user_with_token(http, sessionmaker, f"reopen-{uuid.uuid4().hex[:8]}", "rita", "agent")
    side = customer_side(user.tenant_id, temporal_env.client, settings, sessionmaker)
    account, _ = await side.account("茶馆")
    item = await side.item(account, "春茶", utcnow() - timedelta(days=1))
    first = await side.open(account, "fan")
    await side.open(account, "fan")  # a retried open, or a run continued as new
    await side.close(first.conversation_id, utcnow())
    await side.comment(account, item, "fan", utcnow())  # after the first opening: credits only the second
    again = await side.open(account, "fan")
    assert again.reopened and again.conversation_id == first.conversation_id
    customers = await _customers(http, user, {})
    assert customers["funnel"]["private_messages"] == 2
    assert customers["unattributed"]["private_messages"] == 1
    assert _by(customers["by_content"])[item]["private_messages"] == 1
    assert customers["resolution"]["closed"] == 1
    conversation = await http.get(f"/api/v1/conversations/{first.conversation_id}", headers=user.headers)
    assert conversation.status_code == 200


async def test_retried_writes_count_once(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> None:
    """Every write the workflows retry (a message, a close, a lead, a comment, a task's deal) counts once."""
    user = await user_with_token(http, sessionmaker, f"retry-{uuid.uuid4().hex[:8]}", "ruth", "agent")
    side = customer_side(user.tenant_id, temporal_env.client, settings, sessionmaker)
    account, _ = await side.account("面馆")
    item = await side.item(account, "招牌牛肉面", utcnow() - timedelta(days=1))
    at = utcnow() - timedelta(minutes=30)
    for _ in range(2):
        await side.comment(account, item, "eater", at, comment_id="c-once")
    opened = await side.open(account, "eater")
    for _ in range(2):
        await side.message(opened.conversation_id, "customer", at, message_id="m-ask")
        await side.message(opened.conversation_id, "bot", at + timedelta(seconds=4), message_id="m-answer")
        await side.message(opened.conversation_id, "agent", at + timedelta(seconds=30), user_id=user.user_id)
        await side.close(opened.conversation_id, at + timedelta(minutes=20))
    lead_id = await side.lead(opened, "message", utcnow(), source_key="lead:once")
    assert await side.lead(opened, "message", utcnow(), source_key="lead:once") == ""
    for _ in range(2):
        await _deal(http, user, lead_id, 9_900, task_id="task-once")

    customers = await _customers(http, user, {})
    assert customers["funnel"] | {"views": 0} == {
        "contents": 1, "views": 0, "comments": 1, "private_messages": 1, "leads": 1, "deals": 1,
        "deal_amount_fen": 9_900,
    }  # fmt: skip
    assert _by(customers["by_agent"])[user.user_id]["private_messages"] == 1
    assert "bot" not in _by(customers["by_agent"])
    assert customers["resolution"] == {"closed": 1, "bot": 0, "human": 1, "bot_rate": 0.0}
    response = customers["first_response"]
    assert (response["conversations"], response["answered"], response["within_sla"]) == (1, 1, 1)
    assert response["p50_seconds"] == 5.0  # 4 s, in the bucket up to 5 s
    conversion = {row["source"]: row for row in customers["lead_conversion"]}["message"]
    assert (conversion["leads"], conversion["converted"], conversion["deals"]) == (1, 1, 1)


async def test_a_period_of_whole_months_reads_the_same_counts(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], funnel: Funnel
) -> None:
    """From the first of last month: last month is read from month rows, this month's days from day rows."""
    first = (funnel.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    params = {"from": first.isoformat(), "to": (funnel.today + timedelta(days=1)).isoformat()}
    async with sessionmaker() as session:
        zone = await tenant_zone(session, funnel.side.tenant_id)

    def since_first(moment: datetime) -> int:
        return int(moment.astimezone(zone).date() >= first)

    month_ago = funnel.now - timedelta(days=30)
    customers = await _customers(http, funnel.agent_b, params)
    assert customers["funnel"] == {
        "contents": 2 + since_first(funnel.now - timedelta(days=20)),  # item2
        "views": 1500 + 9999 * int(funnel.today - timedelta(days=30) >= first),
        "comments": 3,
        "private_messages": 5,
        "leads": 3,
        "deals": 3 + since_first(month_ago),
        "deal_amount_fen": 170_000 + 77_000 * since_first(month_ago),
    }
    assert customers["resolution"]["closed"] == 3
    assert customers["first_response"]["within_sla"] == 2


async def test_by_journey_counts_what_enrolled_customers_did_after_entering(
    http: httpx.AsyncClient, funnel: Funnel, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        customer = {
            name: (await session.get(Conversation, conversation_id)).customer_id  # type: ignore[union-attr]
            for name, conversation_id in funnel.conversations.items()
        }
        nurture = Journey(tenant_id=funnel.side.tenant_id, name="新客培育", draft={}, trigger="manual",
                          created_by=funnel.agent_b.user_id)  # fmt: skip
        idle = Journey(tenant_id=funnel.side.tenant_id, name="沉睡唤醒", draft={}, trigger="manual",
                       created_by=funnel.agent_b.user_id)  # fmt: skip
        session.add_all([nurture, idle])
        await session.flush()
        day_before = funnel.now - timedelta(days=1)
        for name, entered in (("u1", day_before), ("u2", day_before), ("u3", utcnow() + timedelta(hours=1))):
            session.add(
                JourneyEnrolment(
                    tenant_id=funnel.side.tenant_id,
                    journey_id=nurture.id,
                    version=1,
                    customer_id=customer[name],
                    trigger="manual",
                    entered_at=entered,
                    workflow_id=f"journey-{nurture.id}-{customer[name]}",
                )
            )
        await session.commit()

    rows = {row["key"]: row for row in (await _customers(http, funnel.agent_b, funnel.params))["by_journey"]}

    # u1 and u2 entered a day before their conversations, leads and deals; u3 entered after all of its own.
    assert rows[nurture.id]["label"] == "新客培育"
    counts = rows[nurture.id]["counts"]
    assert (counts["private_messages"], counts["leads"], counts["deals"], counts["deal_amount_fen"]) == (
        2, 1, 2, 120_000,
    )  # fmt: skip
    assert rows[idle.id]["counts"]["private_messages"] == 0, "a journey nobody entered shows, with nothing"
