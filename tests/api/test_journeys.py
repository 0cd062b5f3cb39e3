"""The journey designer through the real BFF (seed 15): drafts, validation naming nodes, immutable versions,
the dry run, roles and tenant isolation. Enrolments that run are in tests/workflows/test_journeys.py."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.db.conversation_tables import Customer
from douflow.db.journey_tables import JourneyEnrolment
from douflow.temporal import ids
from models.journeys import JourneyResult
from tests.support.auth import TestUser, user_with_token
from tests.support.journeys import FOLLOW_UP, lead_journey, messaging_account, tag_journey


async def _create(
    http: httpx.AsyncClient, user: TestUser, graph: dict[str, Any], **body: Any
) -> dict[str, Any]:
    answer = await http.post(
        "/api/v1/journeys", json={"name": "新线索培育", "graph": graph, **body}, headers=user.headers
    )
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


@pytest.fixture
async def account_id(sessionmaker: async_sessionmaker[AsyncSession], operator: TestUser) -> str:
    return await messaging_account(sessionmaker, operator.tenant_id)


async def test_a_draft_is_published_as_immutable_versions(
    http: httpx.AsyncClient, operator: TestUser, account_id: str
) -> None:
    created = await _create(http, operator, lead_journey(), account_id=account_id)
    url = f"/api/v1/journeys/{created['id']}"
    assert (created["trigger"], created["published_version"]) == ("lead_captured", None)

    first = await http.post(f"{url}/versions", headers=operator.headers)
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    changed = lead_journey(text="新品上市，欢迎到店品尝！")
    saved = await http.put(
        url, json={"name": "培育 v2", "account_id": account_id, "graph": changed}, headers=operator.headers
    )
    assert saved.status_code == 200, saved.text
    second = await http.post(f"{url}/versions", headers=operator.headers)
    assert second.json()["version"] == 2

    v1 = (await http.get(f"{url}/versions/1", headers=operator.headers)).json()
    follow = next(n for n in v1["graph"]["nodes"] if n["id"] == "follow")
    assert follow["text"] == FOLLOW_UP, "publishing again leaves version 1 as it was"
    listed = (await http.get(f"{url}/versions", headers=operator.headers)).json()
    assert [v["version"] for v in listed["items"]] == [2, 1]
    journey = (await http.get(url, headers=operator.headers)).json()
    assert (journey["published_version"], journey["name"]) == (2, "培育 v2")
    assert created["id"] in [
        j["id"] for j in (await http.get("/api/v1/journeys", headers=operator.headers)).json()["items"]
    ]


@pytest.mark.parametrize(
    ("graph", "node_id", "words"),
    [
        ({**lead_journey(), "nodes": [*lead_journey()["nodes"][:-1], {"id": "done", "kind": "exit"},
          {"id": "lost", "kind": "action", "action": "tag", "tag": "x", "next": "done"}]}, "lost", "no path"),
        (lead_journey(timeout_minutes=40 * 24 * 60), "replied", "30 days"),
        ({**lead_journey(), "nodes": [{**n, "event": "lead_left"} if n["id"] == "replied" else n
          for n in lead_journey()["nodes"]]}, "follow", "24-hour reply window"),
    ],
)  # fmt: skip
async def test_an_invalid_graph_answers_422_naming_the_node(
    http: httpx.AsyncClient,
    operator: TestUser,
    account_id: str,
    graph: dict[str, Any],
    node_id: str,
    words: str,
) -> None:
    answer = await http.post(
        "/api/v1/journeys",
        json={"name": "x", "account_id": account_id, "graph": graph},
        headers=operator.headers,
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (
        body["code"] == "journey_invalid" and f"node {node_id}" in body["detail"] and words in body["detail"]
    )
    assert [e["field"] for e in body["errors"]] == [f"graph.nodes.{node_id}"]


async def test_a_send_needs_an_account_of_the_tenant_allowed_private_messages(
    http: httpx.AsyncClient,
    operator: TestUser,
    other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    no_account = await http.post(
        "/api/v1/journeys", json={"name": "x", "graph": lead_journey()}, headers=operator.headers
    )
    assert no_account.status_code == 422 and "node follow" in no_account.json()["detail"]
    theirs = await messaging_account(sessionmaker, other_tenant_operator.tenant_id)
    elsewhere = await http.post(
        "/api/v1/journeys",
        json={"name": "x", "account_id": theirs, "graph": lead_journey()},
        headers=operator.headers,
    )
    assert elsewhere.status_code == 422 and "account_id" in elsewhere.json()["detail"]
    personal = await messaging_account(sessionmaker, operator.tenant_id, scopes=["video.create.bind"])
    refused = await http.post(
        "/api/v1/journeys",
        json={"name": "x", "account_id": personal, "graph": lead_journey()},
        headers=operator.headers,
    )
    assert refused.status_code == 422 and "im.direct_message" in refused.json()["detail"]


async def test_a_malformed_node_is_refused_naming_the_field(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    graph = tag_journey()
    graph["nodes"][1] = {"id": "pause", "kind": "wait", "next": "mark"}
    answer = await http.post("/api/v1/journeys", json={"name": "x", "graph": graph}, headers=operator.headers)
    assert answer.status_code == 422
    assert "either minutes or until" in answer.text


async def test_the_dry_run_shows_the_path_and_the_actions_with_their_times(
    http: httpx.AsyncClient, operator: TestUser, account_id: str
) -> None:
    created = await _create(http, operator, lead_journey(), account_id=account_id)
    body = {
        "customer": {"score": 30, "level": "warm", "tags": ["咖啡"], "lead_fields": ["phone"]},
        "events": [{"after_minutes": 120, "event": "replied"}],
        "start_at": "2026-12-01T10:00:00+08:00",
    }
    answer = await http.post(
        f"/api/v1/journeys/{created['id']}/simulate", json=body, headers=operator.headers
    )
    assert answer.status_code == 200, answer.text
    run = answer.json()
    assert [(s["node_id"], s["outcome"]) for s in run["path"]] == [
        ("start", "entered"), ("pause", "waited"), ("replied", "yes"), ("follow", "send_message"), ("done", "exit"),
    ]  # fmt: skip
    [send] = run["actions"]
    assert (send["action"], send["text"], send["at"]) == ("send_message", FOLLOW_UP, "2026-12-01T04:00:00Z")
    enrolments = await http.get(f"/api/v1/journeys/{created['id']}/enrolments", headers=operator.headers)
    assert enrolments.json()["items"] == [], "a dry run enrols nobody"


async def test_roles_designers_design_and_others_read(
    http: httpx.AsyncClient,
    operator: TestUser,
    viewer: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    agent = await user_with_token(http, sessionmaker, operator.tenant_slug, "agatha", "agent")
    created = await _create(http, operator, tag_journey())
    url = f"/api/v1/journeys/{created['id']}"
    for user in (viewer, agent):
        refused = await http.post(
            "/api/v1/journeys", json={"name": "x", "graph": tag_journey()}, headers=user.headers
        )
        assert refused.status_code == 403
        assert (await http.post(f"{url}/versions", headers=user.headers)).status_code == 403
        assert (await http.get(url, headers=user.headers)).status_code == 200


async def test_another_tenant_sees_none_of_it(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser
) -> None:
    created = await _create(http, operator, tag_journey())
    url = f"/api/v1/journeys/{created['id']}"
    assert (await http.post(f"{url}/versions", headers=operator.headers)).status_code == 201
    enrolments = (await http.get(f"{url}/enrolments", headers=operator.headers)).json()["items"]
    them = other_tenant_operator.headers
    put = {"name": "x", "graph": tag_journey()}
    for method, path, body in [
        ("GET", url, None),
        ("PUT", url, put),
        ("GET", f"{url}/versions", None),
        ("GET", f"{url}/versions/1", None),
        ("POST", f"{url}/versions", None),
        ("GET", f"{url}/enrolments", None),
        ("POST", f"{url}/enrolments", {"customer_ids": ["someone"]}),
        ("POST", f"{url}/segment-enrolments", None),
        ("GET", f"{url}/enrolments/nope", None),
        ("DELETE", f"{url}/enrolments/nope", None),
        ("GET", f"{url}/stats", None),
        ("POST", f"{url}/simulate", {}),
    ]:
        answer = await http.request(method, path, json=body, headers=them)
        assert answer.status_code == 404, (method, path, answer.text)
    assert created["id"] not in [
        j["id"] for j in (await http.get("/api/v1/journeys", headers=them)).json()["items"]
    ]
    assert enrolments == []


async def _fan(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, tags: list[str]) -> str:
    async with sessionmaker() as session:
        customer = Customer(tenant_id=tenant_id, open_id=f"fan-{uuid.uuid4().hex[:10]}", tags=tags)
        session.add(customer)
        await session.commit()
        return customer.id


async def test_a_segment_is_enrolled_and_an_agent_unenrols_one_customer(
    http: httpx.AsyncClient,
    operator: TestUser,
    other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    segment = f"seg-{uuid.uuid4().hex[:8]}"
    fans = sorted([await _fan(sessionmaker, operator.tenant_id, [segment]) for _ in range(2)])
    await _fan(sessionmaker, operator.tenant_id, ["other"])
    graph = tag_journey("segmented", trigger="segment", wait_minutes=24 * 60)
    graph["nodes"][0]["segment"] = {"tag": segment}
    created = await _create(http, operator, graph)
    url = f"/api/v1/journeys/{created['id']}"
    assert (await http.post(f"{url}/segment-enrolments", headers=operator.headers)).status_code == 422
    await http.post(f"{url}/versions", headers=operator.headers)

    enrolled = (await http.post(f"{url}/segment-enrolments", headers=operator.headers)).json()["items"]
    assert sorted(e["customer_id"] for e in enrolled) == fans and all(e["enrolment_id"] for e in enrolled)
    enrolment_id = enrolled[0]["enrolment_id"]
    agent = await user_with_token(http, sessionmaker, operator.tenant_slug, "agatha", "agent")
    stranger = await http.delete(f"{url}/enrolments/{enrolment_id}", headers=other_tenant_operator.headers)
    assert stranger.status_code == 404
    assert (
        await http.get(f"{url}/enrolments/{enrolment_id}", headers=other_tenant_operator.headers)
    ).status_code == 404
    left = await http.delete(f"{url}/enrolments/{enrolment_id}", headers=agent.headers)
    assert left.status_code == 200, left.text
    assert (left.json()["status"], left.json()["exit_reason"]) == ("exited", "unenrolled")

    handle = temporal_env.client.get_workflow_handle(
        ids.journey_workflow_id(created["id"], enrolled[0]["customer_id"]), result_type=JourneyResult
    )
    ended = await asyncio.wait_for(handle.result(), 30)
    assert ended.exit_reason == "unenrolled" and "mark:done" not in ended.path, "its run ended before the tag"
    stats = (await http.get(f"{url}/stats", headers=operator.headers)).json()
    assert (stats["enrolled"], stats["running"]) == (2, 1)


async def test_the_layout_is_kept_with_the_draft_and_never_published(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    layout = {"start": {"x": 0, "y": 0}, "pause": {"x": 260.5, "y": -140}, "mark": {"x": 99_999, "y": 3}}
    created = await _create(http, operator, tag_journey(), layout=layout)
    url = f"/api/v1/journeys/{created['id']}"
    assert created["layout"] == {k: {"x": float(v["x"]), "y": float(v["y"])} for k, v in layout.items()}
    assert (await http.get(url, headers=operator.headers)).json()["layout"] == created["layout"]

    moved = {"start": {"x": 10, "y": 20}, "done": {"x": -300, "y": 400}}
    put = await http.put(
        url, json={"name": "x", "graph": tag_journey(), "layout": moved}, headers=operator.headers
    )
    assert put.status_code == 200, put.text
    assert (await http.get(url, headers=operator.headers)).json()["layout"] == {
        "start": {"x": 10.0, "y": 20.0},
        "done": {"x": -300.0, "y": 400.0},
    }
    version = await http.post(f"{url}/versions", headers=operator.headers)
    assert version.status_code == 201, version.text
    assert "layout" not in version.json()["graph"], "a version holds the graph alone"

    # A client that knows nothing of layouts (or an older console) keeps the designer's positions...
    kept = await http.put(url, json={"name": "y", "graph": tag_journey()}, headers=operator.headers)
    assert kept.json()["layout"] == {"start": {"x": 10.0, "y": 20.0}, "done": {"x": -300.0, "y": 400.0}}
    # ...and an explicit null lays the draft out automatically again.
    cleared = await http.put(
        url, json={"name": "x", "graph": tag_journey(), "layout": None}, headers=operator.headers
    )
    assert cleared.json()["layout"] == {}, "a draft saved with a null layout is laid out automatically"


@pytest.mark.parametrize(
    ("layout", "field"),
    [
        ({"start": {"x": 100_001, "y": 0}}, "layout.start.x"),
        ({"start": {"x": 0, "y": -100_001}}, "layout.start.y"),
        ({"start": {"x": "12", "y": 0}}, "layout.start.x"),
        ({"start": {"x": 0}}, "layout.start.y"),
        ({"start": {"x": 0, "y": 0, "z": 1}}, "layout.start.z"),
        ({f"n{i}": {"x": i, "y": 0} for i in range(101)}, "layout"),
        ({"bad id!": {"x": 0, "y": 0}}, "layout.bad id!.[key]"),
        ({"ghost": {"x": 0, "y": 0}}, "layout.ghost"),
    ],
)
async def test_a_layout_out_of_bounds_answers_422_naming_the_field(
    http: httpx.AsyncClient, operator: TestUser, layout: dict[str, Any], field: str
) -> None:
    created = await _create(http, operator, tag_journey())
    for method, url in [("POST", "/api/v1/journeys"), ("PUT", f"/api/v1/journeys/{created['id']}")]:
        answer = await http.request(
            method,
            url,
            json={"name": "x", "graph": tag_journey(), "layout": layout},
            headers=operator.headers,
        )
        assert answer.status_code == 422, (method, answer.text)
        assert field in [e["field"] for e in answer.json()["errors"]], answer.text
    kept = (await http.get(f"/api/v1/journeys/{created['id']}", headers=operator.headers)).json()
    assert kept["layout"] == {}


async def test_a_non_finite_position_is_refused(http: httpx.AsyncClient, operator: TestUser) -> None:
    """NaN and Infinity are no JSON, but a lenient parser reads them: the model refuses them all the same."""
    body = '{"name": "x", "graph": {"nodes": [{"id": "s", "kind": "trigger", "on": "manual", "next": "e"},'
    body += ' {"id": "e", "kind": "exit"}]}, "layout": {"s": {"x": NaN, "y": Infinity}}}'
    answer = await http.post(
        "/api/v1/journeys",
        content=body,
        headers={**operator.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["layout.s.x", "layout.s.y"]


async def test_another_tenant_cannot_move_the_nodes(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser
) -> None:
    layout = {"start": {"x": 1, "y": 2}}
    created = await _create(http, operator, tag_journey(), layout=layout)
    url = f"/api/v1/journeys/{created['id']}"
    them = other_tenant_operator.headers
    moved = {"name": "x", "graph": tag_journey(), "layout": {"start": {"x": 500, "y": 500}}}
    assert (await http.put(url, json=moved, headers=them)).status_code == 404
    assert (await http.get(url, headers=them)).status_code == 404
    kept = (await http.get(url, headers=operator.headers)).json()
    assert kept["layout"] == {"start": {"x": 1.0, "y": 2.0}}


async def _enrolment(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    journey_id: str,
    customer_id: str,
    entered_at: datetime,
    **fields: Any,
) -> str:
    """An enrolment row as the enrolment path writes it (no run: the card reads rows only)."""
    async with sessionmaker() as session:
        row = JourneyEnrolment(
            tenant_id=tenant_id,
            journey_id=journey_id,
            version=1,
            customer_id=customer_id,
            trigger="manual",
            entered_at=entered_at,
            workflow_id=f"journey-{uuid.uuid4().hex}",
            **fields,
        )
        session.add(row)
        await session.commit()
        return row.id


async def test_a_customers_enrolments_in_every_journey_in_one_request(
    http: httpx.AsyncClient,
    operator: TestUser,
    viewer: TestUser,
    other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fan = await _fan(sessionmaker, operator.tenant_id, [])
    someone_else = await _fan(sessionmaker, operator.tenant_id, [])
    first = await _create(http, operator, tag_journey())
    second = await _create(http, operator, {**tag_journey(), "reentry": "always"})
    second_name = "回访"
    await http.put(
        f"/api/v1/journeys/{second['id']}",
        json={"name": second_name, "graph": {**tag_journey(), "reentry": "always"}},
        headers=operator.headers,
    )
    at = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    oldest = await _enrolment(
        sessionmaker, operator.tenant_id, first["id"], fan, at, status="exited", current_node="done",
        exited_at=at + timedelta(days=1), exit_reason="done",
    )  # fmt: skip
    middle = await _enrolment(
        sessionmaker, operator.tenant_id, second["id"], fan, at + timedelta(days=2), status="exited",
        current_node="mark", exited_at=at + timedelta(days=3), exit_reason="goal", goal_reached=True,
    )  # fmt: skip
    newest = await _enrolment(
        sessionmaker, operator.tenant_id, second["id"], fan, at + timedelta(days=5), current_node="pause"
    )
    await _enrolment(sessionmaker, operator.tenant_id, first["id"], someone_else, at + timedelta(days=9))

    url = f"/api/v1/customers/{fan}/enrolments"
    answer = await http.get(url, headers=viewer.headers)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [e["id"] for e in items] == [newest, middle, oldest]
    assert items[0] | {"entered_at": None} == {
        "id": newest, "journey_id": second["id"], "journey_name": second_name, "version": 1,
        "status": "running", "current_node": "pause", "entered_at": None, "exited_at": None,
        "exit_reason": None, "goal_reached": False,
    }  # fmt: skip
    assert (items[1]["exit_reason"], items[1]["goal_reached"], items[1]["exited_at"]) == (
        "goal", True, "2026-11-04T10:00:00Z",
    )  # fmt: skip
    assert items[2]["journey_name"] == first["name"]
    limited = (await http.get(url, params={"limit": 1}, headers=operator.headers)).json()
    assert ([e["id"] for e in limited["items"]], limited["limit"]) == ([newest], 1)
    assert (await http.get(url, params={"limit": 101}, headers=operator.headers)).status_code == 422

    assert (await http.get(url, headers=other_tenant_operator.headers)).status_code == 404
    theirs = await _fan(sessionmaker, other_tenant_operator.tenant_id, [])
    assert (
        await http.get(f"/api/v1/customers/{theirs}/enrolments", headers=operator.headers)
    ).status_code == 404
    assert (
        await http.get("/api/v1/customers/nobody/enrolments", headers=operator.headers)
    ).status_code == 404
