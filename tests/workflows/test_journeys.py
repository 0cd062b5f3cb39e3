"""Journeys running on the real dev server (seed 15): enrolments by a captured lead, by hand and by segment;
waits of hours and days with per-workflow time skipping; decisions on a reply through the sandbox; sends through
the conversation; versions pinned by running enrolments; a worker restart and a Temporal server restart mid-wait;
the frequency cap across journeys; unsubscribe.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import TimeSkipper, WorkflowEnvironment

from douflow.db.conversation_tables import Customer
from douflow.db.journey_tables import JourneyStep
from douflow.db.task_tables import FollowUpTask
from douflow.settings import Settings
from douflow.temporal import ids
from douyin_sandbox.testing import RunningSandbox
from models.journeys import JourneyResult
from tests.support import materials
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import ACCOUNT_OPEN_ID, Chat, knowledge, new_chat
from tests.support.journeys import FOLLOW_UP, lead_journey, tag_journey
from tests.support.polling import eventually
from tests.support.restarts import activity_runs, disk_server, late_by, pending_timer, timers
from tests.support.stack import running_stack, running_workers
from tests.support.tasks import desk, notices

pytestmark = pytest.mark.timeout(180)


async def _customer(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, **fields: Any) -> str:
    async with sessionmaker() as session:
        customer = Customer(tenant_id=tenant_id, open_id=f"fan-{uuid.uuid4().hex[:10]}", **fields)
        session.add(customer)
        await session.commit()
        return customer.id


async def _journey(http: httpx.AsyncClient, user: TestUser, graph: dict[str, Any], **body: Any) -> str:
    created = await http.post(
        "/api/v1/journeys", json={"name": "旅程", "graph": graph, **body}, headers=user.headers
    )
    assert created.status_code == 201, created.text
    journey_id: str = created.json()["id"]
    published = await http.post(f"/api/v1/journeys/{journey_id}/versions", headers=user.headers)
    assert published.status_code == 201, published.text
    return journey_id


async def _enrol(
    http: httpx.AsyncClient, user: TestUser, journey_id: str, *customer_ids: str
) -> list[dict[str, Any]]:
    answer = await http.post(
        f"/api/v1/journeys/{journey_id}/enrolments",
        json={"customer_ids": list(customer_ids)},
        headers=user.headers,
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _enrolment(
    http: httpx.AsyncClient, user: TestUser, journey_id: str, customer_id: str, until: Any = bool
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        page = await http.get(
            f"/api/v1/journeys/{journey_id}/enrolments",
            params={"customer_id": customer_id},
            headers=user.headers,
        )
        items = page.json()["items"]
        if not items:
            return None
        detail = await http.get(
            f"/api/v1/journeys/{journey_id}/enrolments/{items[0]['id']}", headers=user.headers
        )
        body: dict[str, Any] = detail.json()
        return body if until(body) else None

    found: dict[str, Any] = await eventually(probe, within=90)
    return found


def _at(node_id: str, outcome: str = "entered") -> Any:
    return lambda e: any(s["node_id"] == node_id and s["outcome"] == outcome for s in e["steps"])


def _exited(e: dict[str, Any]) -> bool:
    return e["status"] == "exited"


async def _skip(client: Client, journey_id: str, customer_id: str, by: timedelta) -> None:
    handle: WorkflowHandle[Any, Any] = client.get_workflow_handle(
        ids.journey_workflow_id(journey_id, customer_id)
    )
    # False when the run ended before the whole duration passed (its last timer fired and it finished).
    await TimeSkipper(client).fast_forward(handle, by)


async def test_running_enrolments_keep_their_version_and_new_ones_get_the_new(
    http: httpx.AsyncClient,
    operator: TestUser,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    journey_id = await _journey(http, operator, tag_journey("v1-tag", wait_minutes=3 * 24 * 60))
    first = await _customer(sessionmaker, operator.tenant_id)
    [enrolled] = await _enrol(http, operator, journey_id, first)
    assert enrolled["refusal"] is None
    await _enrolment(http, operator, journey_id, first, _at("pause"))
    saved = await http.put(
        f"/api/v1/journeys/{journey_id}",
        json={"name": "旅程", "graph": tag_journey("v2-tag", wait_minutes=3 * 24 * 60)},
        headers=operator.headers,
    )
    assert saved.status_code == 200
    assert (await http.post(f"/api/v1/journeys/{journey_id}/versions", headers=operator.headers)).json()[
        "version"
    ] == 2
    second = await _customer(sessionmaker, operator.tenant_id)
    await _enrol(http, operator, journey_id, second)
    await _enrolment(http, operator, journey_id, second, _at("pause"))

    for customer_id in (first, second):
        await _skip(temporal_env.client, journey_id, customer_id, timedelta(days=3, minutes=1))
    one = await _enrolment(http, operator, journey_id, first, _exited)
    two = await _enrolment(http, operator, journey_id, second, _exited)

    assert (one["version"], two["version"]) == (1, 2)
    async with sessionmaker() as session:
        tags = {
            c.id: c.tags
            for c in (await session.scalars(select(Customer).where(Customer.id.in_([first, second])))).all()
        }
    assert tags == {first: ["v1-tag"], second: ["v2-tag"]}
    mark = next(s for s in one["steps"] if s["node_id"] == "mark")
    assert mark["outcome"] == "done" and mark["detail"]["tag"] == "v1-tag"
    pause = [s for s in one["steps"] if s["node_id"] == "pause"]
    assert [s["outcome"] for s in pause] == ["entered", "passed"]
    assert pause[1]["at"] >= pause[1]["due_at"], "the wait ended at its due time (virtual), not before"
    again = await _enrol(http, operator, journey_id, first)
    assert "never" in again[0]["refusal"], "re-entry policy never, held on the rows"
    stats = (await http.get(f"/api/v1/journeys/{journey_id}/stats", headers=operator.headers)).json()
    assert (stats["enrolled"], stats["running"]) == (2, 0)
    by_node = {n["node_id"]: n for n in stats["nodes"]}
    assert by_node["mark"]["entered"] == 2 and by_node["done"]["exited"] == 2


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    """A customer writing to a tenant's enterprise account; the bot can answer course questions."""
    found = await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "jr")
    await knowledge(
        http, sessionmaker, found, question="课程多少钱", variants=["课程价格"], answer="咖啡课程每节199元。"
    )
    return found


async def _designer(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], chat: Chat
) -> TestUser:
    return await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")


async def _customer_of(chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    async def probe() -> str | None:
        async with sessionmaker() as session:
            found: str | None = await session.scalar(
                select(Customer.id).where(
                    Customer.tenant_id == chat.user.tenant_id, Customer.open_id == chat.customer
                )
            )
            return found

    found: str = await eventually(probe, within=60)
    return found


async def test_a_captured_lead_waits_then_a_reply_gets_the_journey_message_through_the_sandbox(
    http: httpx.AsyncClient,
    chat: Chat,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    journey_id = await _journey(
        http, designer, lead_journey(wait_minutes=6 * 60, quiet_hours=None), account_id=chat.account_id
    )

    await chat.write("我想报名，电话13812345678")
    customer_id = await _customer_of(chat, sessionmaker)
    await _enrolment(http, designer, journey_id, customer_id, _at("pause"))
    await _skip(temporal_env.client, journey_id, customer_id, timedelta(hours=6, minutes=1))
    await _enrolment(http, designer, journey_id, customer_id, _at("replied"))
    await chat.write("课程多少钱")
    done = await _enrolment(http, designer, journey_id, customer_id, _exited)

    assert [(s["node_id"], s["outcome"]) for s in done["steps"]] == [
        ("start", "entered"), ("pause", "entered"), ("pause", "passed"), ("replied", "entered"),
        ("replied", "yes"), ("follow", "done"), ("done", "done"),
    ]  # fmt: skip
    assert (done["trigger"], done["exit_reason"], done["goal_reached"]) == ("lead_captured", "done", False)
    follow = next(s for s in done["steps"] if s["node_id"] == "follow")
    assert follow["detail"]["scene"] == "im_replay_msg", (
        "the customer had just written: a reply, not proactive"
    )
    seen = [m["text"] for m in await chat.seen() if m["direction"] == "sent"]
    assert seen.count(FOLLOW_UP) == 1
    messages = await chat.messages_until(lambda ms: any(m["author"] == "journey" for m in ms))
    assert [m["status"] for m in messages if m["author"] == "journey"] == ["sent"]


async def test_no_reply_within_the_timeout_takes_the_no_branch(
    http: httpx.AsyncClient,
    operator: TestUser,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    graph = lead_journey()
    graph["nodes"][0]["on"] = "manual"
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "follow"]
    graph["nodes"][2]["yes"] = "done"
    journey_id = await _journey(http, operator, graph)
    customer_id = await _customer(sessionmaker, operator.tenant_id)
    await _enrol(http, operator, journey_id, customer_id)
    await _enrolment(http, operator, journey_id, customer_id, _at("pause"))
    await _skip(temporal_env.client, journey_id, customer_id, timedelta(days=3))
    done = await _enrolment(http, operator, journey_id, customer_id, _exited)

    assert ("replied", "no") in [(s["node_id"], s["outcome"]) for s in done["steps"]]
    decision = [s for s in done["steps"] if s["node_id"] == "replied"]
    assert decision[1]["at"] >= decision[0]["due_at"], "no before the two days were up"


async def test_a_worker_restart_in_the_middle_of_a_wait_fires_the_step_once(
    operator: TestUser,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    mine = settings.model_copy(update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-"})
    customer_id = await _customer(sessionmaker, operator.tenant_id)
    async with (
        running_stack(temporal_env.client, mine) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as own,
    ):
        journey_id = await _journey(own, operator, tag_journey("restarted", wait_minutes=2 * 60))
        await _enrol(own, operator, journey_id, customer_id)
        await _enrolment(own, operator, journey_id, customer_id, _at("pause"))
    # No worker runs the queue now: the timer falls due on the server meanwhile.
    handle: WorkflowHandle[Any, JourneyResult] = temporal_env.client.get_workflow_handle(
        ids.journey_workflow_id(journey_id, customer_id), result_type=JourneyResult
    )
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            TimeSkipper(temporal_env.client).fast_forward(handle, timedelta(hours=2, minutes=1)), 5
        )
    async with running_workers(temporal_env.client, mine):
        result = await handle.result()
    assert result.exit_reason == "done"
    async with sessionmaker() as session:
        steps = (await session.scalars(select(JourneyStep).where(JourneyStep.journey_id == journey_id))).all()
        tags = await session.scalar(select(Customer.tags).where(Customer.id == customer_id))
    assert sorted((s.node_id, s.outcome) for s in steps if s.node_id in ("pause", "mark")) == [
        ("mark", "done"), ("pause", "entered"), ("pause", "passed"),
    ]  # fmt: skip
    assert tags == ["restarted"]


def _task_then_wait_journey() -> dict[str, Any]:
    """A follow-up task due in an hour, then a wait of one minute (the shortest a designer may give), then a tag."""
    return {
        "nodes": [
            {"id": "start", "kind": "trigger", "on": "manual", "next": "task"},
            {"id": "task", "kind": "action", "action": "create_task", "title": "回访", "due_minutes": 60, "next": "pause"},
            {"id": "pause", "kind": "wait", "minutes": 1, "next": "mark"},
            {"id": "mark", "kind": "action", "action": "tag", "tag": "server-restarted", "next": "done"},
            {"id": "done", "kind": "exit"},
        ]
    }  # fmt: skip


async def _journey_task(sessionmaker: async_sessionmaker[AsyncSession], customer_id: str) -> str:
    async def probe() -> str | None:
        async with sessionmaker() as session:
            found: str | None = await session.scalar(
                select(FollowUpTask.id).where(FollowUpTask.customer_id == customer_id)
            )
            return found

    found: str = await eventually(probe, within=60)
    return found


@pytest.mark.timeout(300)
async def test_a_server_restart_in_the_middle_of_a_wait_fires_the_step_and_the_task_reminder_once_on_time(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, tmp_path: Path
) -> None:
    where = await desk(sessionmaker, "restart")
    async with disk_server(tmp_path) as server:
        mine = settings.model_copy(
            update={
                "task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-",
                "temporal_address": server.address,
                # The journey's task is due in an hour: its owner is reminded a minute after it is made, while the
                # journey waits its minute.
                "task_reminder_minutes": 59,
            }
        )
        client = await server.start()
        async with (
            running_stack(client, mine) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as own,
        ):
            designer = await user_with_token(own, sessionmaker, where.tenant_slug, "olivia", "operator")
            journey_id = await _journey(own, designer, _task_then_wait_journey())
            await _enrol(own, designer, journey_id, where.customer_id)
            task_id = await _journey_task(sessionmaker, where.customer_id)
            journey_run = ids.journey_workflow_id(journey_id, where.customer_id)
            task_run = ids.follow_up_task_workflow_id(task_id)
            wait = await pending_timer(client.get_workflow_handle(journey_run))
            reminder = await pending_timer(client.get_workflow_handle(task_run))
        # No worker now; both timers are still pending when the server stops.
        assert await pending_timer(client.get_workflow_handle(journey_run)) == wait
        assert await pending_timer(client.get_workflow_handle(task_run)) == reminder
        await server.stop()

        client = await server.start()
        journey: WorkflowHandle[Any, JourneyResult] = client.get_workflow_handle(
            journey_run, result_type=JourneyResult
        )
        task: WorkflowHandle[Any, Any] = client.get_workflow_handle(task_run)
        async with running_workers(client, mine):
            result = await asyncio.wait_for(journey.result(), 150)
            fires = await eventually(
                lambda: activity_runs(task, "fire_task_timer"),
                lambda runs: any(r.completed for r in runs),
                within=150,
                interval=0.5,
            )
        waited = next(t for t in await timers(journey) if t.timer_id == wait.timer_id)
        reminded = next(t for t in await timers(task) if t.timer_id == reminder.timer_id)
        [tagged] = await activity_runs(journey, "run_journey_action")

    assert result.exit_reason == "done"
    assert (waited.due, len(waited.fired)) == (wait.due, 1), (
        "the wait's timer survived the restart and fired once"
    )
    assert tagged.completed
    assert timedelta(0) <= late_by(tagged, waited) < timedelta(seconds=60), (
        "the step ran when the wait was over"
    )
    assert (reminded.due, len(reminded.fired)) == (reminder.due, 1)
    [fired] = fires
    assert fired.completed, "one reminder (the escalation is an hour away)"
    assert timedelta(0) <= late_by(fired, reminded) < timedelta(seconds=60)
    assert [kind for kind, _ in await notices(sessionmaker, task_id)] == ["task_assigned", "task_reminder"]
    async with sessionmaker() as session:
        steps = (await session.scalars(select(JourneyStep).where(JourneyStep.journey_id == journey_id))).all()
        tags = await session.scalar(select(Customer.tags).where(Customer.id == where.customer_id))
    assert sorted((s.node_id, s.outcome) for s in steps if s.node_id in ("pause", "mark")) == [
        ("mark", "done"), ("pause", "entered"), ("pause", "passed"),
    ]  # fmt: skip
    assert tags == ["server-restarted"]


def _send_journey(text: str) -> dict[str, Any]:
    return {
        "nodes": [
            {"id": "start", "kind": "trigger", "on": "manual", "next": "say"},
            {
                "id": "say",
                "kind": "action",
                "action": "send_message",
                "text": text,
                "proactive": True,
                "next": "done",
            },
            {"id": "done", "kind": "exit"},
        ],
        "quiet_hours": None,  # the test runs at any hour: no send waits for the morning
    }


async def test_the_daily_cap_holds_for_a_customer_across_two_journeys(
    http: httpx.AsyncClient, chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "adam", "admin")
    capped = await http.patch("/api/v1/tenant", json={"journey_daily_cap": 1}, headers=admin.headers)
    assert capped.status_code == 200 and capped.json()["journey_daily_cap"] == 1, capped.text
    texts = ["春季新品拿铁上市啦，欢迎到店品尝。", "本周末咖啡课程还有名额，欢迎报名。"]
    journeys = [await _journey(http, designer, _send_journey(t), account_id=chat.account_id) for t in texts]
    await chat.write("课程多少钱")
    await chat.replies(1)
    customer_id = await _customer_of(chat, sessionmaker)

    for journey_id in journeys:
        await _enrol(http, designer, journey_id, customer_id)
    done = [await _enrolment(http, designer, j, customer_id, _exited) for j in journeys]

    says = [next(s for s in d["steps"] if s["node_id"] == "say") for d in done]
    assert sorted(s["outcome"] for s in says) == ["done", "refused"]
    refused = next(s for s in says if s["outcome"] == "refused")
    assert refused["detail"]["refusal"] == "frequency_cap" and refused["task_needed"] is True
    assert "cap of 1" in refused["detail"]["reason"]
    task = await http.get(f"/api/v1/tasks/{refused['detail']['task_id']}", headers=admin.headers)
    assert task.status_code == 200 and task.json()["source"] == "journey", task.text
    assert "cap of 1" in task.json()["reason"] and "请人工跟进" in task.json()["reason"]
    seen = [m["text"] for m in await chat.seen() if m["direction"] == "sent"]
    assert len([t for t in texts if t in seen]) == 1, "the customer got one journey message, not two"


async def test_a_customer_who_unsubscribes_leaves_every_journey(
    http: httpx.AsyncClient, chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    waiting = await _journey(http, designer, tag_journey("never", wait_minutes=24 * 60))
    sending = await _journey(http, designer, _send_journey("周末活动通知"), account_id=chat.account_id)
    await chat.write("课程多少钱")
    await chat.replies(1)
    customer_id = await _customer_of(chat, sessionmaker)
    await _enrol(http, designer, waiting, customer_id)
    await _enrolment(http, designer, waiting, customer_id, _at("pause"))

    await chat.write("别再发了，退订")
    left = await _enrolment(http, designer, waiting, customer_id, _exited)
    [refused] = await _enrol(http, designer, sending, customer_id)

    assert left["exit_reason"] == "unsubscribed"
    assert "mark" not in [s["node_id"] for s in left["steps"]]
    assert refused["enrolment_id"] is None and "no more messages" in refused["refusal"]
    async with sessionmaker() as session:
        assert (
            await session.scalar(select(Customer.unsubscribed_at).where(Customer.id == customer_id))
            is not None
        )


async def test_actions_score_notify_task_material_enrol_and_hand_over(
    http: httpx.AsyncClient, chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    other = await _journey(http, designer, tag_journey("second-journey", wait_minutes=24 * 60))
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "adam", "admin")
    shelf = await materials.library(http, admin)
    faq = await materials.material(http, admin, shelf["id"])
    nodes = [
        {"id": "start", "kind": "trigger", "on": "manual", "next": "points"},
        {"id": "points", "kind": "action", "action": "add_points", "points": 40, "next": "note"},
        {"id": "note", "kind": "action", "action": "notify", "title": "客户进入高意向培育", "next": "task"},
        {"id": "task", "kind": "action", "action": "create_task", "title": "电话回访", "due_minutes": 60,
         "next": "price"},
        {"id": "price", "kind": "action", "action": "send_material", "material_id": faq["id"], "proactive": True,
         "next": "other"},
        {"id": "other", "kind": "action", "action": "enrol", "journey_id": other, "next": "hand"},
        {"id": "hand", "kind": "action", "action": "handover", "next": "done"},
        {"id": "done", "kind": "exit", "reason": "goal"},
    ]  # fmt: skip
    journey_id = await _journey(
        http, designer, {"nodes": nodes, "quiet_hours": None}, account_id=chat.account_id
    )
    await chat.write("课程多少钱")
    await chat.replies(1)
    customer_id = await _customer_of(chat, sessionmaker)

    await _enrol(http, designer, journey_id, customer_id)
    done = await _enrolment(http, designer, journey_id, customer_id, _exited)

    outcomes = {s["node_id"]: s for s in done["steps"]}
    assert [outcomes[n]["outcome"] for n in ("points", "note", "task", "price", "other", "hand")] == [
        "done", "done", "done", "done", "done", "done",
    ]  # fmt: skip
    task = await http.get(f"/api/v1/tasks/{outcomes['task']['detail']['task_id']}", headers=admin.headers)
    assert task.status_code == 200, task.text
    assert (task.json()["reason"], task.json()["source"]) == ("电话回访", "journey")
    link = await http.get(
        f"/api/v1/material-share-links/{outcomes['price']['detail']['share_link_id']}",
        headers=admin.headers,
    )
    assert link.status_code == 200 and link.json()["material_id"] == faq["id"], link.text
    sent = [m["text"] for m in await chat.seen() if m["direction"] == "sent"]
    assert any(link.json()["url"] in text for text in sent), "the material went to the customer as our link"
    assert (done["exit_reason"], done["goal_reached"]) == ("goal", True)
    profile = (await http.get(f"/api/v1/customers/{customer_id}", headers=designer.headers)).json()
    assert ("journey_points", 40) in {(c["event_type"], c["points"]) for c in profile["explanation"]}
    await _enrolment(http, designer, other, customer_id, _at("pause"))
    status = await chat.status()
    assert status.state == "waiting_human" and "journey" in (status.handoff_reason or "")
    notices = (await http.get("/api/v1/notifications", headers=chat.user.headers)).json()
    assert "客户进入高意向培育" in [n["title"] for n in notices["items"]]


async def test_a_comment_on_an_item_enrols_the_commenter(
    http: httpx.AsyncClient,
    chat: Chat,
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    journey_id = await _journey(http, designer, tag_journey("commented", trigger="comment_on_item"))
    item = await sandbox.post_by_hand(ACCOUNT_OPEN_ID, "新品拿铁上市，欢迎来店品尝")

    await sandbox.comment(item["item_id"], "看起来不错", from_open_id=chat.customer)
    customer_id = await _customer_of(chat, sessionmaker)
    enrolment = await _enrolment(http, designer, journey_id, customer_id, _at("pause"))

    assert (enrolment["trigger"], enrolment["status"]) == ("comment_on_item", "running")


async def test_a_decision_hears_that_the_customer_opened_the_material_the_journey_sent(
    http: httpx.AsyncClient, chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "adam", "admin")
    shelf = await materials.library(http, admin)
    sheet = await materials.material(http, admin, shelf["id"], title="冬季课程价目表")
    nodes = [
        {"id": "start", "kind": "trigger", "on": "manual", "next": "send"},
        {"id": "send", "kind": "action", "action": "send_material", "material_id": sheet["id"], "proactive": True,
         "next": "read"},
        {"id": "read", "kind": "decision", "event": "material_opened", "timeout_minutes": 2 * 24 * 60,
         "yes": "warm", "no": "done"},
        {"id": "warm", "kind": "action", "action": "tag", "tag": "看过价目表", "next": "done"},
        {"id": "done", "kind": "exit"},
    ]  # fmt: skip
    journey_id = await _journey(
        http, designer, {"nodes": nodes, "quiet_hours": None}, account_id=chat.account_id
    )
    await chat.write("课程多少钱")
    await chat.replies(1)
    customer_id = await _customer_of(chat, sessionmaker)
    await _enrol(http, designer, journey_id, customer_id)
    waiting = await _enrolment(http, designer, journey_id, customer_id, _at("read"))
    link_id = next(s for s in waiting["steps"] if s["node_id"] == "send")["detail"]["share_link_id"]
    link = (await http.get(f"/api/v1/material-share-links/{link_id}", headers=admin.headers)).json()

    page = await http.get(httpx.URL(link["url"]).path)
    done = await _enrolment(http, designer, journey_id, customer_id, _exited)

    assert page.status_code == 200 and "冬季课程价目表" in page.text
    assert [s["outcome"] for s in done["steps"] if s["node_id"] == "read"] == ["entered", "yes"]
    profile = (await http.get(f"/api/v1/customers/{customer_id}", headers=admin.headers)).json()
    assert "看过价目表" in profile["tags"]


async def test_a_captured_lead_waits_decides_on_a_reply_makes_a_task_and_sends_a_material(
    http: httpx.AsyncClient,
    chat: Chat,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    designer = await _designer(http, sessionmaker, chat)
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "adam", "admin")
    shelf = await materials.library(http, admin)
    sheet = await materials.material(http, admin, shelf["id"], title="春季课程价目表")
    graph = lead_journey(wait_minutes=6 * 60, quiet_hours=None)
    graph["nodes"][3]["next"] = "task"
    graph["nodes"] += [
        {"id": "task", "kind": "action", "action": "create_task", "title": "回访报名意向", "due_minutes": 120,
         "next": "price"},
        {"id": "price", "kind": "action", "action": "send_material", "material_id": sheet["id"], "next": "done"},
    ]  # fmt: skip
    journey_id = await _journey(http, designer, graph, account_id=chat.account_id)

    await chat.write("我想报名，电话13812345678")
    customer_id = await _customer_of(chat, sessionmaker)
    await _enrolment(http, designer, journey_id, customer_id, _at("pause"))
    await _skip(temporal_env.client, journey_id, customer_id, timedelta(hours=6, minutes=1))
    await _enrolment(http, designer, journey_id, customer_id, _at("replied"))
    await chat.write("课程多少钱")
    done = await _enrolment(http, designer, journey_id, customer_id, _exited)

    steps = {s["node_id"]: s for s in done["steps"]}
    assert [(s["node_id"], s["outcome"]) for s in done["steps"]] == [
        ("start", "entered"), ("pause", "entered"), ("pause", "passed"), ("replied", "entered"),
        ("replied", "yes"), ("follow", "done"), ("task", "done"), ("price", "done"), ("done", "done"),
    ]  # fmt: skip
    task = (
        await http.get(f"/api/v1/tasks/{steps['task']['detail']['task_id']}", headers=admin.headers)
    ).json()
    assert (task["reason"], task["source"], task["status"]) == ("回访报名意向", "journey", "open")
    assert task["context"]["leads"], "the task's snapshot carries the lead the journey started from"
    link_id = steps["price"]["detail"]["share_link_id"]
    link = (await http.get(f"/api/v1/material-share-links/{link_id}", headers=admin.headers)).json()
    sent = [m["text"] for m in await chat.seen() if m["direction"] == "sent"]
    assert sent.count(FOLLOW_UP) == 1
    assert [t for t in sent if link["url"] in t], "the price sheet reached the customer as our tracked link"
