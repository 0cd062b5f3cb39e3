"""Live updates over HTTP (`/api/v1/events`): the session's BFF under uvicorn, streams read frame by frame with a
deadline on every read.

Messages, conversation states, publish statuses and task reminders are driven through their real paths (a
customer writing in the Douyin sandbox, a takeover, a publish, a task's timers in virtual time); resuming,
tenant isolation and role filtering use events written straight into the table, as any writer writes them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import TimeSkipper, WorkflowEnvironment

from douflow import live_events
from douflow.live_events import LiveKind
from douflow.security.tokens import Principal, StreamTickets
from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import TestUser, login, user_with_token
from tests.support.conversations import new_chat
from tests.support.live import Frame, kinds, open_stream, ticket
from tests.support.publishing import bind_account
from tests.support.tasks import activities, desk, handle_of, new_task, scripted

pytestmark = pytest.mark.timeout(120)
PUBLISHER_OPEN_ID = SANDBOX_USERS[1].open_id


async def persona(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    prefix: str,
    role: Any = "operator",
) -> TestUser:
    return await user_with_token(http, sessionmaker, f"{prefix}-{uuid.uuid4().hex[:8]}", "lou", role)


async def write(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    kind: LiveKind = "publish",
    user_id: str | None = None,
) -> str:
    """One event committed for the tenant, as a writer's transaction adds it; its subject id."""
    subject = str(uuid.uuid4())
    async with sessionmaker() as session:
        live_events.record(session, tenant_id, kind, subject, {"marker": subject}, user_id=user_id)
        await session.commit()
    return subject


def about(subject: str) -> Any:
    return lambda frame: frame.data.get("subject_id") == subject


def subjects(frames: list[Frame]) -> list[str]:
    return [f.data["subject_id"] for f in frames if f.event != "ready"]


async def test_messages_a_handoff_and_a_takeover_reach_the_agents_stream(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    chat = await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "live-cs")
    available = await http.put("/api/v1/agents/me", json={"available": True}, headers=chat.user.headers)
    assert available.status_code == 200, available.text
    async with open_stream(http, chat.user) as stream:
        await chat.write("你们能开增值税专用发票吗")
        said = await stream.until(lambda f: f.event == "message" and f.payload["author"] == "customer")
        conversation_id = await chat.conversation_id()
        after = await stream.until_each(
            lambda f: f.event == "conversation" and f.payload["state"] == "waiting_human",
            lambda f: f.event == "message" and f.payload["author"] == "bot",
        )
        handed = [f for f in after if f.event == "conversation" and f.payload["state"] == "waiting_human"]
        answered = [f for f in after if f.event == "message" and f.payload["author"] == "bot"]
        taken = await chat.post("takeover")
        assert taken.status_code == 200, taken.text
        human = await stream.until(lambda f: f.event == "conversation" and f.payload["state"] == "human")

    message = said[-1]
    assert message.payload["conversation_id"] == conversation_id == message.data["subject_id"]
    assert message.payload["status"] == "received" and message.id is not None
    assert "text" not in message.payload, "a message event names the message, never its text"
    opened = [f for f in said + handed if f.event == "conversation"]
    assert opened[0].payload["state"] == "bot", "the new conversation appeared first, with the bot"
    assert handed[-1].payload["owner_id"] == chat.user.user_id, (
        "handed off and assigned to the available agent"
    )
    assert answered[-1].payload["status"] == "sent", "the customer was told a person will answer"
    assert human[-1].payload == {
        "conversation_id": conversation_id,
        "account_id": chat.account_id,
        "customer_id": human[-1].payload["customer_id"],
        "state": "human",
        "owner_id": chat.user.user_id,
    }
    ids = [f.id for f in said + after + human if f.id is not None]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "each event once, in order"


async def test_a_publish_reports_each_status_until_published(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    operator = await persona(http, sessionmaker, "live-publish")
    viewer = await user_with_token(http, sessionmaker, operator.tenant_slug, "vera", "viewer")
    account_id = await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, PUBLISHER_OPEN_ID)
    post = await http.post(
        "/api/v1/image-posts", json={"topic": "周末露营装备", "image_count": 2}, headers=operator.headers
    )
    assert post.status_code == 200, post.text
    content_id = post.json()["content_id"]

    async with open_stream(http, operator) as stream, open_stream(http, viewer) as watching:
        started = await http.post(
            "/api/v1/publish",
            json={"content_id": content_id, "account_ids": [account_id]},
            headers=operator.headers,
        )
        assert started.status_code == 202, started.text
        publish_id = started.json()["publishes"][0]["id"]
        seen = await stream.until(
            lambda f: f.event == "publish" and f.payload["status"] == "published", within=60
        )
        watched = await watching.until(lambda f: f.event == "publish" and f.payload["status"] == "published")

    mine = [f.payload for f in seen if f.event == "publish"]
    assert {p["publish_id"] for p in mine} == {publish_id}
    assert {p["content_id"] for p in mine} == {content_id} and {p["account_id"] for p in mine} == {account_id}
    statuses = [p["status"] for p in mine]
    assert statuses[0] == "publishing" and statuses[-1] == "published" and "under_review" in statuses
    assert mine[-1]["item_id"], "the published item is named"
    assert [f.payload["status"] for f in watched if f.event == "publish"] == statuses, (
        "viewers follow publishes"
    )


async def test_a_tasks_reminder_and_escalation_reach_its_owner_and_the_admins_only(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    where = await desk(sessionmaker, "live-task")

    async def token(username: str) -> dict[str, str]:
        answer = await login(http, where.tenant_slug, username)
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    owner, admin, other = await token("agnes"), await token("ada"), await token("otis")
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    async with (
        open_stream(http, owner) as mine,
        open_stream(http, admin) as admins,
        open_stream(http, other) as not_mine,
    ):
        ref = await orchestration.create_follow_up_task(new_task(where, due_in=timedelta(hours=2)))
        handle = handle_of(temporal_env.client, ref)
        await scripted(sessionmaker, ref.task_id)
        skipper = TimeSkipper(temporal_env.client)
        await skipper.fast_forward(handle, timedelta(minutes=95))
        due = await mine.until(lambda f: f.event == "task_due")
        await skipper.fast_forward(handle, timedelta(minutes=30))
        overdue = await mine.until(lambda f: f.event == "task_overdue")
        told = await admins.until(lambda f: f.event == "task_overdue")
        marker = await write(sessionmaker, where.tenant_id)
        others = await not_mine.until(about(marker))

    assert ref.owner_user_id == where.agent_id
    assert due[-1].payload["task_id"] == overdue[-1].payload["task_id"] == ref.task_id
    assert due[-1].payload["owner_user_id"] == where.agent_id and due[-1].payload["due_at"]
    assert kinds(told).count("task_due") == 1 and kinds(told).count("task_overdue") == 1
    assert "task_due" not in kinds(others) and "task_overdue" not in kinds(others), "another agent's task"


async def test_a_stream_resumes_after_its_last_event_id_by_header_or_query(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await persona(http, sessionmaker, "live-resume")
    async with open_stream(http, operator) as first:
        one = await write(sessionmaker, operator.tenant_id)
        live = await first.until(about(one))
        start = first.ready_id
    assert start is not None and first.backlog == []
    assert subjects(live) == [one], "an event written while the stream is open arrives"
    two, three = await write(sessionmaker, operator.tenant_id), await write(sessionmaker, operator.tenant_id)

    async with open_stream(http, operator, header=live[-1].id) as by_header:
        after_one = by_header.backlog
    async with open_stream(http, operator, last_event_id=start) as by_query:
        after_start = by_query.backlog
    async with open_stream(http, operator, last_event_id=start, header=after_one[0].id) as both:
        header_wins = both.backlog
    async with open_stream(http, operator) as fresh:
        nothing_old = fresh.backlog

    assert subjects(after_one) == [two, three]
    assert subjects(after_start) == [one, two, three]
    assert subjects(header_wins) == [three], "EventSource's own Last-Event-ID header wins over the query"
    # A new stream starts where the BFF's poller last read (at most LIVE_EVENTS_POLL_SECONDS ago).
    assert one not in subjects(nothing_old) and fresh.ready_id is not None and fresh.ready_id >= live[-1].id


async def test_another_tenants_events_never_appear_and_roles_see_only_their_kinds(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await persona(http, sessionmaker, "live-mine")
    viewer = await user_with_token(http, sessionmaker, operator.tenant_slug, "vic", "viewer")
    stranger = await persona(http, sessionmaker, "live-theirs")
    async with open_stream(http, operator) as mine, open_stream(http, viewer) as viewing:
        theirs = [await write(sessionmaker, stranger.tenant_id, kind) for kind in ("publish", "message")]
        conversation = await write(sessionmaker, operator.tenant_id, "conversation")
        task = await write(sessionmaker, operator.tenant_id, "task_due", user_id=viewer.user_id)
        publish = await write(sessionmaker, operator.tenant_id, "publish")
        seen = await mine.until(about(publish))
        viewed = await viewing.until(about(publish))
        start = mine.ready_id
    async with open_stream(http, operator, last_event_id=start) as resumed:
        replayed = resumed.backlog

    assert subjects(seen) == [conversation, publish], (
        "the tenant's own events; a task for someone else is not"
    )
    assert subjects(viewed) == [task, publish], "a viewer: publishes and their own task, no conversations"
    assert subjects(replayed) == [conversation, publish]
    assert not set(theirs) & set(subjects(seen) + subjects(viewed) + subjects(replayed))


async def test_bad_expired_or_foreign_tickets_and_ended_sessions_are_401(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    operator = await persona(http, sessionmaker, "live-tickets")
    principal = Principal(
        operator.user_id, operator.tenant_id, operator.username, "operator", "no-such-session"
    )
    secret = settings.jwt_secret.get_secret_value()
    expired = StreamTickets(secret, settings.jwt_issuer, settings.jwt_audience, -10).issue(principal)
    access_token = operator.headers["Authorization"].removeprefix("Bearer ")
    forged = StreamTickets("x" * 48, settings.jwt_issuer, settings.jwt_audience, 60).issue(principal)
    unknown_session = StreamTickets(secret, settings.jwt_issuer, settings.jwt_audience, 60).issue(principal)
    good = await ticket(http, operator)

    for bad in ("not-a-ticket", expired, access_token, forged, unknown_session):
        refused = await http.get("/api/v1/events", params={"ticket": bad})
        assert refused.status_code == 401, (bad, refused.text)
        assert refused.headers["www-authenticate"] == "Bearer"
    assert (await http.get("/api/v1/events")).status_code == 401
    assert (await http.post("/api/v1/events/ticket")).status_code == 401
    as_bearer = await http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {good}"})
    assert as_bearer.status_code == 401, "a ticket is not an access token"

    assert (await http.post("/api/v1/auth/logout", headers=operator.headers)).status_code == 204
    after_logout = await http.get("/api/v1/events", params={"ticket": good})
    assert after_logout.status_code == 401, "the ticket's session ended"


async def test_the_stream_ends_when_its_login_session_ends(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    operator = await persona(http, sessionmaker, "live-logout")
    async with open_stream(http, operator) as stream:
        assert (await http.post("/api/v1/auth/logout", headers=operator.headers)).status_code == 204
        last = await stream.next(within=settings.live_events_keepalive_seconds + 30)
        rest = await stream.ended(within=30)

    assert last.event == "session_ended"
    assert rest == [], "nothing after it: the server closed the stream"


async def test_a_ticket_opens_one_stream_only(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await persona(http, sessionmaker, "live-ticket-once")
    once = await ticket(http, operator)
    async with http.stream("GET", "/api/v1/events", params={"ticket": once}) as first:
        assert first.status_code == 200
    again = await http.get("/api/v1/events", params={"ticket": once})
    assert again.status_code == 401, "a ticket seen in a URL (a log, a proxy) opens nothing more"
    assert "used" in again.json()["detail"]


async def test_a_last_event_id_header_that_is_no_number_is_ignored(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await persona(http, sessionmaker, "live-odd-header")
    # '²' passes str.isdigit() but not int(): the stream starts from now rather than failing.
    headers = {b"Last-Event-ID": "\xb2".encode("latin-1")}
    params = {"ticket": await ticket(http, operator)}
    async with http.stream("GET", "/api/v1/events", params=params, headers=headers) as stream:
        assert stream.status_code == 200
