"""Deals through the BFF: agents record a sale on a lead, list deals; roles, validation naming the field,
a follow-up task's deal recorded once, and tenant isolation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.customers.deals import DealProblem, DealRepository
from douflow.db.base import utcnow
from douflow.settings import Settings
from tests.support.auth import TestUser, user_with_token
from tests.support.funnel import customer_side

pytestmark = pytest.mark.timeout(90)


@dataclass
class Desk:
    agent: TestUser
    admin: TestUser
    viewer: TestUser
    lead_id: str
    customer_id: str
    other_customer_id: str


@pytest.fixture(scope="module")
async def desk(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> Desk:
    slug = f"deals-{uuid.uuid4().hex[:8]}"
    agent = await user_with_token(http, sessionmaker, slug, "dora", "agent")
    admin = await user_with_token(http, sessionmaker, slug, "dan", "admin")
    viewer = await user_with_token(http, sessionmaker, slug, "vic", "viewer")
    side = customer_side(agent.tenant_id, temporal_env.client, settings, sessionmaker)
    account, _ = await side.account("花店")
    opened = await side.open(account, "buyer")
    other = await side.open(account, "browser")
    lead_id = await side.lead(opened, "message", utcnow())
    return Desk(agent, admin, viewer, lead_id, opened.customer_id, other.customer_id)


async def test_an_agent_records_a_deal_on_a_lead_and_finds_it(http: httpx.AsyncClient, desk: Desk) -> None:
    response = await http.post(
        f"/api/v1/leads/{desk.lead_id}/deals",
        json={"amount_fen": 128_800, "note": "年卡一张", "closed_at": "2026-11-30T10:00:00+08:00"},
        headers=desk.agent.headers,
    )
    assert response.status_code == 201, response.text
    deal = response.json()
    assert (deal["customer_id"], deal["lead_id"], deal["agent_user_id"]) == (
        desk.customer_id, desk.lead_id, desk.agent.user_id,
    )  # fmt: skip
    assert (deal["amount_fen"], deal["note"], deal["closed_at"]) == (
        128_800,
        "年卡一张",
        "2026-11-30T02:00:00Z",
    )
    assert deal["conversation_session_id"]  # credited to the conversation the lead came from
    listed = await http.get("/api/v1/deals", params={"lead_id": desk.lead_id}, headers=desk.admin.headers)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["items"]] == [deal["id"]]
    mine = await http.get(
        "/api/v1/deals", params={"agent_user_id": desk.agent.user_id}, headers=desk.agent.headers
    )
    assert deal["id"] in [d["id"] for d in mine.json()["items"]]


async def test_a_task_outcome_recorded_twice_is_one_deal(http: httpx.AsyncClient, desk: Desk) -> None:
    body = {"amount_fen": 5_000, "task_id": f"task-{uuid.uuid4().hex[:8]}"}
    first = await http.post(f"/api/v1/leads/{desk.lead_id}/deals", json=body, headers=desk.admin.headers)
    again = await http.post(f"/api/v1/leads/{desk.lead_id}/deals", json=body, headers=desk.admin.headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]


async def test_a_viewer_may_not_record_or_list_deals(http: httpx.AsyncClient, desk: Desk) -> None:
    posted = await http.post(
        f"/api/v1/leads/{desk.lead_id}/deals", json={"amount_fen": 100}, headers=desk.viewer.headers
    )
    assert posted.status_code == 403
    assert (await http.get("/api/v1/deals", headers=desk.viewer.headers)).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": -5}, "amount_fen"),
        ({"amount_fen": "100"}, "amount_fen"),
        ({"amount_fen": 10.5}, "amount_fen"),
        ({}, "amount_fen"),
        ({"amount_fen": 100, "closed_at": "tomorrow"}, "closed_at"),
        ({"amount_fen": 100, "closed_at": "2026-11-30T10:00:00"}, "closed_at"),
        ({"amount_fen": 100, "note": "x" * 1001}, "note"),
        ({"amount_fen": 100, "task_id": ""}, "task_id"),
        ({"amount_fen": 100, "stage": "won"}, "stage"),
    ],
)
async def test_a_bad_deal_is_refused_naming_the_field(
    http: httpx.AsyncClient, desk: Desk, body: dict[str, object], field: str
) -> None:
    response = await http.post(f"/api/v1/leads/{desk.lead_id}/deals", json=body, headers=desk.agent.headers)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_a_bad_listing_filter_is_refused(http: httpx.AsyncClient, desk: Desk) -> None:
    response = await http.get("/api/v1/deals", params={"since": "last week"}, headers=desk.agent.headers)
    assert response.status_code == 422 and "since" in response.text


async def test_an_unknown_lead_is_not_found(http: httpx.AsyncClient, desk: Desk) -> None:
    response = await http.post(
        f"/api/v1/leads/{uuid.uuid4()}/deals", json={"amount_fen": 100}, headers=desk.agent.headers
    )
    assert response.status_code == 404


async def test_another_tenant_neither_records_on_the_lead_nor_sees_its_deals(
    http: httpx.AsyncClient, desk: Desk, other_tenant_operator: TestUser
) -> None:
    response = await http.post(
        f"/api/v1/leads/{desk.lead_id}/deals", json={"amount_fen": 100}, headers=other_tenant_operator.headers
    )
    assert response.status_code == 404
    listed = await http.get(
        "/api/v1/deals", params={"lead_id": desk.lead_id}, headers=other_tenant_operator.headers
    )
    assert listed.status_code == 200 and listed.json()["items"] == []


async def test_the_repository_refuses_a_lead_of_another_customer(
    sessionmaker: async_sessionmaker[AsyncSession], desk: Desk
) -> None:
    async with sessionmaker() as session:
        deals = DealRepository(session, desk.agent.tenant_id)
        with pytest.raises(DealProblem) as refused:
            await deals.record(
                desk.other_customer_id, desk.agent.user_id, 100, utcnow(), lead_id=desk.lead_id
            )
        assert refused.value.field == "lead_id"
        with pytest.raises(DealProblem) as unknown:
            await deals.record(str(uuid.uuid4()), desk.agent.user_id, 100, utcnow())
        assert unknown.value.field == "customer_id"
    async with sessionmaker() as session:
        elsewhere = DealRepository(session, str(uuid.uuid4()))
        with pytest.raises(DealProblem):
            await elsewhere.record(desk.customer_id, desk.agent.user_id, 100, utcnow())
