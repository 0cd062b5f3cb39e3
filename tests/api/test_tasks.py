"""`/api/v1/tasks` (seed 16): my tasks by status and due time, everyone's for admins only, a task an agent makes
(with the automatic tasks' snapshot, script and run), and the owner's moves (complete with an outcome, snooze,
reassign) through the task's run; tenants and agents see only their own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.customers.assignment import AgentDesk
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer, Lead
from douflow.settings import Settings
from models.customers import BehaviourBatch, BehaviourEvent
from models.tasks import NewFollowUpTask, TaskEnd, TaskState
from tests.support.auth import TestUser, user_with_token
from tests.support.tasks import activities, notices, scripted

pytestmark = pytest.mark.timeout(120)


class Team:
    def __init__(
        self, admin: TestUser, agent: TestUser, other: TestUser, viewer: TestUser, customer: str
    ) -> None:
        self.admin, self.agent, self.other, self.viewer, self.customer_id = (
            admin,
            agent,
            other,
            viewer,
            customer,
        )


@pytest.fixture
async def team(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> Team:
    slug = f"tasks-{uuid.uuid4().hex[:8]}"
    admin = await user_with_token(http, sessionmaker, slug, "ada", "admin")
    agent = await user_with_token(http, sessionmaker, slug, "agnes", "agent")
    other = await user_with_token(http, sessionmaker, slug, "otis", "agent")
    viewer = await user_with_token(http, sessionmaker, slug, "vic", "viewer")
    async with sessionmaker() as session:
        await AgentDesk(session, admin.tenant_id).set_available(agent.user_id, True)
        customer = Customer(tenant_id=admin.tenant_id, open_id=f"c-{uuid.uuid4().hex[:10]}", nickname="小李")
        session.add(customer)
        await session.commit()
        return Team(admin, agent, other, viewer, customer.id)


async def _task(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    team: Team,
    owner: TestUser,
    due_in: timedelta = timedelta(hours=3),
) -> str:
    ref = await activities(temporal_env.client, settings, sessionmaker).create_follow_up_task(
        NewFollowUpTask(
            tenant_id=team.admin.tenant_id,
            customer_id=team.customer_id,
            reason="回访：客户问过到店时间",
            source="agent",
            source_ref=uuid.uuid4().hex,
            due_at=utcnow() + due_in,
            owner_user_id=owner.user_id,
            waiting_for=["reply"],
        )
    )
    await scripted(sessionmaker, ref.task_id)
    return ref.task_id


async def _ids(http: httpx.AsyncClient, user: TestUser, **params: Any) -> list[str]:
    answer = await http.get("/api/v1/tasks", params=params, headers=user.headers)
    assert answer.status_code == 200, answer.text
    return [t["id"] for t in answer.json()["items"]]


async def test_agents_list_their_own_tasks_and_admins_everyones(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
) -> None:
    mine = await _task(temporal_env, settings, sessionmaker, team, team.agent)
    overdue = await _task(
        temporal_env, settings, sessionmaker, team, team.agent, due_in=timedelta(minutes=-5)
    )
    theirs = await _task(temporal_env, settings, sessionmaker, team, team.other)

    assert await _ids(http, team.agent) == [overdue, mine], "soonest due first, only mine"
    assert await _ids(http, team.agent, due="overdue") == [overdue]
    assert await _ids(http, team.other) == [theirs]
    assert set(await _ids(http, team.admin, scope="all")) == {mine, overdue, theirs}
    assert await _ids(http, team.agent, customer_id=team.customer_id) == [overdue, mine]
    assert await _ids(http, team.agent, customer_id=str(uuid.uuid4())) == [], "another customer's: none"
    refused = await http.get("/api/v1/tasks", params={"scope": "all"}, headers=team.agent.headers)
    assert refused.status_code == 403
    assert (await http.get("/api/v1/tasks", headers=team.viewer.headers)).status_code == 403
    hidden = await http.get(f"/api/v1/tasks/{theirs}", headers=team.agent.headers)
    assert hidden.status_code == 404
    detail = (await http.get(f"/api/v1/tasks/{mine}", headers=team.agent.headers)).json()
    assert detail["context"]["nickname"] == "小李" and detail["script"].startswith("小李您好")
    assert detail["overdue"] is False


async def test_another_tenant_sees_none_of_the_tasks(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
    other_tenant_operator: TestUser,
) -> None:
    task_id = await _task(temporal_env, settings, sessionmaker, team, team.agent)
    stranger = await user_with_token(http, sessionmaker, other_tenant_operator.tenant_slug, "sam", "admin")

    assert task_id not in await _ids(http, stranger, scope="all")
    for method, path, body in [
        ("GET", f"/api/v1/tasks/{task_id}", None),
        ("POST", f"/api/v1/tasks/{task_id}/complete", {"outcome": "lost"}),
        ("POST", f"/api/v1/tasks/{task_id}/snooze", {"until": (utcnow() + timedelta(days=1)).isoformat()}),
        ("POST", f"/api/v1/tasks/{task_id}/reassign", {"owner_user_id": stranger.user_id}),
    ]:
        answer = await http.request(method, path, json=body, headers=stranger.headers)
        assert answer.status_code == 404, (path, answer.text)
    still = (await http.get(f"/api/v1/tasks/{task_id}", headers=team.agent.headers)).json()
    assert still["status"] == "open"


async def test_complete_snooze_and_reassign_go_through_the_tasks_run(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
) -> None:
    task_id = await _task(temporal_env, settings, sessionmaker, team, team.agent)
    base = f"/api/v1/tasks/{task_id}"
    later = utcnow() + timedelta(days=2)

    past = await http.post(
        f"{base}/snooze", json={"until": "2020-01-01T00:00:00+00:00"}, headers=team.agent.headers
    )
    naive = await http.post(
        f"{base}/snooze", json={"until": "2030-01-01T00:00:00"}, headers=team.agent.headers
    )
    snoozed = await http.post(f"{base}/snooze", json={"until": later.isoformat()}, headers=team.agent.headers)
    to_viewer = await http.post(
        f"{base}/reassign", json={"owner_user_id": team.viewer.user_id}, headers=team.agent.headers
    )
    moved = await http.post(
        f"{base}/reassign", json={"owner_user_id": team.other.user_id}, headers=team.agent.headers
    )
    gone = await http.post(f"{base}/complete", json={"outcome": "lost"}, headers=team.agent.headers)
    bad_outcome = await http.post(f"{base}/complete", json={"outcome": "maybe"}, headers=team.other.headers)
    no_amount = await http.post(f"{base}/complete", json={"outcome": "won"}, headers=team.other.headers)
    won = await http.post(
        f"{base}/complete",
        json={"outcome": "won", "note": "下单两箱", "amount_fen": 59800},
        headers=team.other.headers,
    )
    again = await http.post(f"{base}/complete", json={"outcome": "lost"}, headers=team.other.headers)

    assert past.status_code == 422 and "until" in past.text
    assert naive.status_code == 422 and "until" in naive.text
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["status"] == "snoozed" and snoozed.json()["due_at"].startswith(
        later.date().isoformat()
    )
    assert to_viewer.status_code == 422 and "owner_user_id" in to_viewer.text
    assert moved.status_code == 200 and moved.json()["owner_user_id"] == team.other.user_id
    assert gone.status_code == 404, "the previous owner no longer sees it"
    assert bad_outcome.status_code == 422 and "outcome" in bad_outcome.text
    assert won.status_code == 200, won.text
    done = won.json()
    assert done["status"] == "done" and done["outcome"] == "won" and done["outcome_note"] == "下单两箱"
    assert no_amount.status_code == 422 and "amount_fen" in no_amount.text
    deals = (await http.get("/api/v1/deals", headers=team.other.headers)).json()["items"]
    assert [(d["id"], d["task_id"], d["amount_fen"]) for d in deals] == [(done["deal_id"], task_id, 59800)]
    assert again.status_code == 409
    assert await _ids(http, team.other, status="done") == [task_id]


async def _make(
    http: httpx.AsyncClient, user: TestUser, key: str | None = None, **body: Any
) -> httpx.Response:
    headers = {**user.headers, **({"Idempotency-Key": key} if key else {})}
    return await http.post("/api/v1/tasks", json=body, headers=headers)


def _due(hours: float = 3) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


async def test_an_agent_makes_a_task_that_lives_like_the_automatic_ones(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
) -> None:
    key = uuid.uuid4().hex
    body = {"customer_id": team.customer_id, "reason": "回访：周末到店试吃", "due_at": _due()}
    made = await _make(http, team.agent, key, **body, waiting_for=["reply"])
    again = await _make(http, team.agent, key, **body, waiting_for=["reply"])
    reused = await _make(http, team.agent, key, **{**body, "reason": "另一件事"})
    assert made.status_code == 201, made.text
    task = made.json()
    row = await scripted(sessionmaker, task["id"])
    state = await temporal_env.client.get_workflow_handle(f"task-{task['id']}").query(
        "state", result_type=TaskState
    )
    async with sessionmaker() as session:
        customer = await session.get(Customer, team.customer_id)
        assert customer is not None
        open_id = customer.open_id
    now = utcnow()
    event = BehaviourEvent(type="message_received", source_key=f"msg:{open_id}:1", occurred_at=now)
    await activities(temporal_env.client, settings, sessionmaker).record_customer_behaviour(
        BehaviourBatch(tenant_id=team.admin.tenant_id, customer_open_id=open_id, events=[event], at=now)
    )
    end = await temporal_env.client.get_workflow_handle(f"task-{task['id']}", result_type=TaskEnd).result()

    assert task["owner_user_id"] == team.agent.user_id, "the caller's own by default"
    assert task["source"] == "agent" and task["status"] == "open" and task["waiting_for"] == ["reply"]
    assert task["context"]["nickname"] == "小李" and task["context"]["customer_id"] == team.customer_id
    assert again.status_code == 201 and again.json()["id"] == task["id"], "a retry answers the same task"
    assert reused.status_code == 409 and "Idempotency-Key" in reused.text
    assert row.script is not None and row.script.startswith("小李您好"), "its run writes the script"
    assert state.due_at == row.due_at and state.open, "its run keeps the reminder and the escalation"
    assert await notices(sessionmaker, task["id"]) == [], "nobody is told of their own task"
    assert end.status == "auto_closed", "the customer's reply closes it"
    closed = (await http.get(f"/api/v1/tasks/{task['id']}", headers=team.agent.headers)).json()
    assert closed["status"] == "auto_closed" and "reply" in closed["closed_reason"]


async def test_a_task_for_a_leads_customer_given_to_another_agent_tells_them(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
) -> None:
    async with sessionmaker() as session:
        lead = Lead(
            tenant_id=team.admin.tenant_id,
            customer_id=team.customer_id,
            phone="13800138000",
            source="manual",
            source_key=f"t-{uuid.uuid4().hex}",
        )
        session.add(lead)
        await session.commit()
    made = await _make(
        http,
        team.admin,
        lead_id=lead.id,
        reason="客户留了电话，约时间上门",
        due_at=_due(5),
        owner_user_id=team.other.user_id,
    )
    assert made.status_code == 201, made.text
    task = made.json()

    assert task["customer_id"] == team.customer_id and task["owner_user_id"] == team.other.user_id
    assert task["context"]["leads"][0]["phone"] == "13800138000"
    assert await notices(sessionmaker, task["id"]) == [("task_assigned", [team.other.user_id])]
    mine = await _ids(http, team.other)
    assert mine == [task["id"]]


async def test_a_task_is_refused_with_what_is_wrong(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
    team: Team,
    other_tenant_operator: TestUser,
) -> None:
    stranger = await user_with_token(http, sessionmaker, other_tenant_operator.tenant_slug, "sam", "admin")
    async with sessionmaker() as session:
        theirs = Customer(tenant_id=stranger.tenant_id, open_id=f"c-{uuid.uuid4().hex[:10]}")
        session.add(theirs)
        await session.flush()
        their_lead = Lead(
            tenant_id=stranger.tenant_id,
            customer_id=theirs.id,
            phone="13900139000",
            source="manual",
            source_key="t-x",
        )
        session.add(their_lead)
        await session.commit()
    base = {"customer_id": team.customer_id, "reason": "回访", "due_at": _due()}

    past = await _make(http, team.agent, **{**base, "due_at": "2020-01-01T00:00:00+00:00"})
    naive = await _make(http, team.agent, **{**base, "due_at": "2030-01-01T00:00:00"})
    unknown = await _make(http, team.agent, **{**base, "customer_id": str(uuid.uuid4())})
    other_tenants = await _make(http, team.agent, **{**base, "customer_id": theirs.id})
    other_lead = await _make(http, team.agent, lead_id=their_lead.id, reason="回访", due_at=_due())
    both = await _make(http, team.agent, **base, lead_id=their_lead.id)
    to_viewer = await _make(http, team.agent, **base, owner_user_id=team.viewer.user_id)
    to_stranger = await _make(http, team.agent, **base, owner_user_id=stranger.user_id)
    no_reason = await _make(http, team.agent, **{**base, "reason": ""})
    by_viewer = await _make(http, team.viewer, **base)
    their_way = await _make(http, stranger, **base)

    assert past.status_code == 422 and "due_at" in past.text and "future" in past.text
    assert naive.status_code == 422 and "due_at" in naive.text
    assert unknown.status_code == 404 and "customer" in unknown.text
    assert other_tenants.status_code == 404, "another tenant's customer is not found"
    assert other_lead.status_code == 404 and "lead" in other_lead.text
    assert both.status_code == 422 and "exactly one" in both.text
    assert to_viewer.status_code == 422 and "owner_user_id" in to_viewer.text
    assert to_stranger.status_code == 422 and "owner_user_id" in to_stranger.text
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    assert by_viewer.status_code == 403
    assert their_way.status_code == 404, "a customer of the caller's tenant only"
    assert await _ids(http, team.admin, scope="all") == [], "nothing was made"
