"""Customer conversations end to end (seed 10, 14): a customer writes in the Douyin sandbox, its signed webhook
reaches the BFF, the conversation workflow decides on the real dev server and the reply goes out through the
connector to the sandbox over HTTP, where the customer sees it (the sandbox's admin view of the chat).

Nothing is mocked; where a test needs a slow model it runs the openai provider against the local
OpenAI-compatible server with a delay (no remote model exists here).
"""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

import httpx
import pytest
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.gateway_bff.app import create_app
from douflow.db.conversation_tables import Conversation, ConversationMessage
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal import ids
from douflow.testing.servers import running_uvicorn
from douyin_sandbox.testing import RunningSandbox
from tests.support.auth import user_with_token
from tests.support.conversations import (
    ACCOUNT_OPEN_ID,
    HOURS_ANSWER,
    Chat,
    knowledge,
    new_chat,
    own_stack,
)
from tests.support.openai_server import OpenAIServerHandle, running_openai_server
from tests.support.polling import eventually
from tests.support.stack import running_workers

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    return await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "cs")


async def test_a_question_the_knowledge_base_answers_gets_that_answer_with_its_citation(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    entry = await knowledge(
        http,
        sessionmaker,
        chat,
        question="你们营业时间是几点到几点？",
        variants=["几点开门", "几点关门"],
        answer=HOURS_ANSWER,
    )
    await chat.write("请问你们几点开门呀")

    [reply] = await chat.replies(1)

    assert reply["text"] == HOURS_ANSWER and reply["source"] == chat.sandbox.config.client_key
    messages = await chat.messages_until(lambda ms: len(ms) == 2 and ms[1]["status"] == "sent")
    asked, answered = messages
    assert asked["author"] == "customer" and asked["text"] == "请问你们几点开门呀"
    assert answered["author"] == "bot" and answered["decision"]["action"] == "answer"
    assert answered["decision"]["cited"] == [entry]
    detail = await chat.detail()
    assert detail["state"] == "bot" and detail["account_id"] == chat.account_id


async def test_a_question_nobody_answers_is_handed_off_and_the_agents_are_told_why(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.write("你们能开增值税专用发票吗")

    [reply] = await chat.replies(1)
    status = await eventually(chat.status, lambda s: s.state == "waiting_human", within=60)

    assert "同事" in reply["text"] or "人工" in reply["text"]
    assert status.handoff_reason and "增值税专用发票" in status.handoff_reason
    detail = await chat.detail()
    assert detail["state"] == "waiting_human" and detail["handoff_reason"] == status.handoff_reason

    async def notices() -> list[dict[str, Any]]:
        listed = (await http.get("/api/v1/notifications", headers=chat.user.headers)).json()
        return [n for n in listed["items"] if n["object_id"] == detail["id"]]

    [notice] = await eventually(notices, within=60)  # the agents are told right after the state changes
    assert notice["kind"] == "conversation_handoff" and "增值税专用发票" in notice["body"]
    viewer = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "vic", "viewer")
    seen_by_viewer = (await http.get("/api/v1/notifications", headers=viewer.headers)).json()
    assert not [n for n in seen_by_viewer["items"] if n["object_id"] == detail["id"]]


async def test_after_a_takeover_the_bot_stays_silent_until_released(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    await chat.write("你好")
    await chat.replies(1)
    taken = await chat.post("takeover")
    assert taken.status_code == 200 and taken.json()["state"] == "human", taken.text
    assert taken.json()["owner_id"] == chat.user.user_id

    await chat.write("几点开门？")
    await chat.settled()

    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1, "the bot said nothing"
    released = await chat.post("release")
    assert released.status_code == 200 and released.json()["state"] == "bot"
    await chat.write("几点开门？")
    replies = await chat.replies(2)
    assert replies[-1]["text"] == HOURS_ANSWER


async def test_a_reply_in_the_douyin_app_pauses_the_bot_and_our_own_sends_never_do(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    await chat.write("几点开门")
    await chat.replies(1)  # the bot's own send echoes back with our client key: no pause
    assert (await chat.settled()).paused_until is None

    await chat.sandbox.im_app_reply(
        ACCOUNT_OPEN_ID,
        "我是店长，今天有活动哦",
        conversation_id=chat.douyin_conversation,
        to_open_id=chat.customer,
    )
    paused = await eventually(chat.status, lambda s: s.paused_until is not None, within=60)
    await chat.write("几点开门")
    await chat.settled()

    assert paused.state == "bot"
    sent = [m for m in await chat.seen() if m["direction"] == "sent"]
    assert [m["source"] for m in sent] == [chat.sandbox.config.client_key, ""], "no bot reply while paused"
    messages = await chat.messages_until(lambda ms: len(ms) == 4)
    assert [m["author"] for m in messages] == ["customer", "bot", "douyin_app", "customer"]


async def test_an_agents_reply_goes_out_checked_and_pauses_the_bot(chat: Chat) -> None:
    await chat.write("在吗")
    await chat.replies(1)

    sent = await chat.post("messages", text="在的！这是我们店里最好的豆子，欢迎来尝。")
    empty = await chat.post("messages", text="")

    assert sent.status_code == 201 and sent.json()["status"] == "sent", sent.text
    assert empty.status_code == 422
    replies = await chat.replies(2)
    assert replies[-1]["text"] == "在的！这是我们店里很好的豆子，欢迎来尝。"
    status = await chat.settled()
    assert status.paused_until is not None and status.state == "bot"
    [agent_message] = [m for m in (await chat.detail())["messages"] if m["author"] == "agent"]
    assert agent_message["findings"] == ["absolute_claim:最好"]
    assert agent_message["author_user_id"] == chat.user.user_id


async def test_a_lost_reply_is_confirmed_by_its_echo_and_never_sent_twice(chat: Chat) -> None:
    await chat.sandbox.set_faults(fail_after_commit_ratio=1.0)
    try:
        await chat.write("在吗")
        [reply] = await chat.replies(1)
        messages = await chat.messages_until(lambda ms: len(ms) == 2 and ms[1]["status"] != "received")
    finally:
        await chat.sandbox.set_faults(fail_after_commit_ratio=0.0)

    assert messages[1]["status"] == "sent" and messages[1]["text"] == reply["text"]
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1


async def test_another_tenant_sees_none_of_the_conversation(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.write("在吗")
    conversation_id = await chat.conversation_id()
    stranger = await user_with_token(http, sessionmaker, f"other-{uuid.uuid4().hex[:6]}", "olga", "admin")

    one = await http.get(f"/api/v1/conversations/{conversation_id}", headers=stranger.headers)
    taken = await http.post(f"/api/v1/conversations/{conversation_id}/takeover", headers=stranger.headers)
    listed = (await http.get("/api/v1/conversations", headers=stranger.headers)).json()

    assert one.status_code == 404 and taken.status_code == 404
    assert listed["items"] == []


async def test_the_conversation_is_found_in_temporal_by_tenant_account_customer_and_state(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.write("在吗")
    await chat.replies(1)
    async with sessionmaker() as session:
        row = await session.scalar(
            select(Conversation).where(Conversation.id == await chat.conversation_id())
        )
    assert row is not None
    query = (
        f"TenantId = '{chat.user.tenant_id}' AND DouyinAccountId = '{chat.account_id}' "
        f"AND CustomerId = '{row.customer_id}' AND ConversationState = 'bot' AND Feature = 'conversation'"
    )

    async def listed() -> list[str]:
        return [w.id async for w in chat.client.list_workflows(query)]

    found = await eventually(listed, lambda ws: len(ws) == 1, within=30)
    assert found == [row.workflow_id] and chat.customer in row.workflow_id


async def test_a_takeover_while_the_model_is_still_thinking_discards_the_bots_answer(
    chat: Chat,
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    gate = asyncio.Event()
    async with running_openai_server(gate=gate) as model:
        changes = {
            "agent_provider": "openai",
            "openai_base_url": model.base_url,
            "openai_api_key": SecretStr("local"),
        }
        async with own_stack(temporal_env, settings, sandbox, bff_url, **changes) as own:
            chat.http = own
            await chat.write("几点开门")
            await eventually(lambda: _requests(model), lambda n: n >= 1, within=60)

            taken = await chat.post("takeover")
            assert taken.status_code == 200 and taken.json()["state"] == "human", taken.text
            gate.set()
            messages = await chat.messages_until(lambda ms: any(m["author"] == "bot" for m in ms))

    [bot] = [m for m in messages if m["author"] == "bot"]
    assert bot["status"] == "discarded" and bot["text"] == HOURS_ANSWER
    assert "human" in bot["reason"]
    assert [m for m in await chat.seen() if m["direction"] == "sent"] == [], "the customer saw nothing"


async def _requests(model: OpenAIServerHandle) -> int:
    return model.requests_seen


async def test_a_burst_of_messages_gets_one_answer(
    chat: Chat,
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    """The three messages are in the run's history, in order, before any worker takes it (the BFF of this stack
    starts first, its workers once the signals are there), so the test does not hang on how fast they arrive;
    the debounce then answers them together."""
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    mine = settings.model_copy(
        update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-", "conversation_debounce_seconds": 4.0}
    )
    handle = temporal_env.client.get_workflow_handle(
        ids.conversation_workflow_id(chat.account_id, chat.customer)
    )
    async with running_uvicorn(create_app(mine)) as url:
        await sandbox.update_config(webhook_targets=[f"{url}/api/v1/douyin/webhook"])
        try:
            # One at a time: the sandbox delivers webhooks concurrently, and the answer greets back only when
            # the batch opens with the greeting.
            for sent, text in enumerate(("你好", "想问一下", "你们几点开门"), start=1):
                await chat.write(text)
                await eventually(lambda: _signals(handle), lambda n, sent=sent: n == sent, within=30)
            async with (
                running_workers(temporal_env.client, mine),
                httpx.AsyncClient(base_url=url, timeout=90) as own,
            ):
                chat.http = own
                messages = await chat.messages_until(lambda ms: any(m["author"] == "bot" for m in ms))
                await chat.settled()
        finally:
            await sandbox.update_config(webhook_targets=[f"{bff_url}/api/v1/douyin/webhook"])

    assert [m["author"] for m in messages] == ["customer", "customer", "customer", "bot"]
    assert messages[-1]["text"] == "您好，" + HOURS_ANSWER
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1


async def test_a_quiet_conversation_closes_and_the_next_message_reopens_it_with_the_bot(
    chat: Chat,
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    async with own_stack(
        temporal_env, settings, sandbox, bff_url, conversation_idle_close_hours=2 / 3600
    ) as own:
        chat.http = own
        await chat.write("有人吗")  # handed off: nobody answers that from the knowledge base
        await eventually(chat.detail, lambda d: d["state"] == "closed", within=60)

        await chat.write("在吗")
        replies = await chat.replies(2)
        # The customer sees a reply before the workflow records it as sent: wait for the transcript.
        reopened = await eventually(chat.detail, lambda d: len(d["messages"]) >= 4, within=30)

    assert reopened["state"] == "bot" and reopened["owner_id"] is None
    assert [m["author"] for m in reopened["messages"]] == ["customer", "bot", "customer", "bot"]
    assert len(replies) == 2


async def test_handoffs_go_round_robin_to_available_agents_under_the_cap(
    chat: Chat,
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    tenant = chat.user.tenant_slug
    ann = await user_with_token(http, sessionmaker, tenant, "ann", "agent")
    ben = await user_with_token(http, sessionmaker, tenant, "ben", "agent")
    away = await user_with_token(http, sessionmaker, tenant, "carl", "agent")
    for person, available in ((ann, True), (ben, True), (away, False)):
        desk = await http.put("/api/v1/agents/me", json={"available": available}, headers=person.headers)
        assert desk.status_code == 200 and desk.json()["available"] is available, desk.text
    owners: list[str | None] = []
    async with own_stack(temporal_env, settings, sandbox, bff_url, conversation_agent_cap=2) as own:
        for _ in range(5):
            customer = Chat(own, sandbox, chat.client, chat.user, chat.account_id)
            await customer.write("你们能开增值税专用发票吗")
            waiting = await eventually(customer.detail, lambda d: d["state"] == "waiting_human", within=60)
            owners.append(waiting["owner_id"])

    first, second = owners[:2]
    assert {first, second} == {ann.user_id, ben.user_id}
    assert owners == [first, second, first, second, None], "in turn, and nobody over the cap"
    desk = (await http.get("/api/v1/agents/me", headers=ann.headers)).json()
    assert desk == {"available": True, "open_conversations": 2, "cap": settings.conversation_agent_cap}


async def test_a_customer_nobody_takes_over_in_time_is_told_a_person_will_answer(
    chat: Chat, temporal_env: WorkflowEnvironment, settings: Settings, sandbox: RunningSandbox, bff_url: str
) -> None:
    timeout = {"conversation_queue_timeout_minutes": 2 / 60}
    async with own_stack(temporal_env, settings, sandbox, bff_url, **timeout) as own:
        chat.http = own
        await chat.write("你们能开增值税专用发票吗")
        replies = await chat.replies(2)
        messages = await chat.messages_until(lambda ms: len(ms) == 3 and ms[-1]["status"] == "sent")
        state = (await chat.detail())["state"]

    assert replies[-1]["text"] == settings.conversation_queue_message
    assert messages[-1]["reason"] == "nobody took the conversation over within the queue timeout"
    assert state == "waiting_human"


async def test_an_image_is_fetched_through_the_resources_api_and_a_person_looks_at_it(
    chat: Chat, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    png = _png()
    sent = await chat.sandbox.im_receive(ACCOUNT_OPEN_ID, "", from_open_id=chat.customer, image=png)
    chat.douyin_conversation = sent["content"]["conversation_short_id"]
    assert "resource_url" not in sent["content"], "Douyin's webhook carries no URL for an image"

    status = await eventually(chat.status, lambda s: s.state == "waiting_human", within=60)
    [image] = [m for m in (await chat.detail())["messages"] if m["msg_type"] == "image"]

    assert status.handoff_reason and "image" in status.handoff_reason
    async with sessionmaker() as session:
        stored = await session.get(ConversationMessage, image["id"])
    assert stored is not None and stored.media_key
    assert LocalMediaStore(settings.media_dir).path(stored.media_key).read_bytes() == png


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_a_worker_stopped_while_sending_leaves_exactly_one_reply(
    chat: Chat, temporal_env: WorkflowEnvironment, settings: Settings, sandbox: RunningSandbox, bff_url: str
) -> None:
    """The send reaches Douyin, which stores and echoes it, but the worker is gone before the answer comes back;
    the next worker finds the echo and records the reply as sent, and nothing is sent again."""
    prefix = {"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-"}
    await sandbox.set_faults(fail_after_commit_ratio=1.0, fail_after_commit_mode="hang", hang_seconds=120)
    try:
        async with own_stack(temporal_env, settings, sandbox, bff_url, **prefix) as own:
            chat.http = own
            await chat.write("在吗")
            await chat.replies(1)  # stored and echoed by Douyin; its answer to the worker hangs
        await sandbox.set_faults(fail_after_commit_ratio=0.0)
        async with own_stack(temporal_env, settings, sandbox, bff_url, **prefix) as own:
            chat.http = own
            messages = await chat.messages_until(lambda ms: len(ms) == 2 and ms[1]["status"] != "received")
    finally:
        await sandbox.set_faults(fail_after_commit_ratio=0.0, fail_after_commit_mode="drop", hang_seconds=30)

    assert messages[1]["author"] == "bot" and messages[1]["status"] == "sent"
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1


async def test_a_long_conversation_continues_as_new_and_keeps_who_owns_it(
    chat: Chat,
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    async with own_stack(
        temporal_env, settings, sandbox, bff_url, conversation_continue_after_messages=2
    ) as own:
        chat.http = own
        for count in (1, 2):
            await chat.write("几点开门")
            await chat.replies(count)
        runs = await eventually(lambda: _runs(chat), lambda rs: len(rs) >= 2, within=60)
        taken = await chat.post("takeover")
        await chat.write("几点开门")
        status = await chat.settled()
        messages = (await chat.detail())["messages"]

    assert runs[-1] == "CONTINUED_AS_NEW", runs
    assert taken.status_code == 200 and status.state == "human" and status.owner_id == chat.user.user_id
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 2, "the bot stays silent after"
    assert [m["author"] for m in messages] == ["customer", "bot"] * 2 + ["customer"]


async def _runs(chat: Chat) -> list[str]:
    """The statuses of the conversation's runs, newest first."""
    workflow_id = ids.conversation_workflow_id(chat.account_id, chat.customer)
    return [
        r.status.name if r.status else ""
        async for r in chat.client.list_workflows(f"WorkflowId = '{workflow_id}'")
    ]


async def _signals(handle: WorkflowHandle[Any, Any]) -> int:
    """How many signals the run has received so far (none while the first webhook is on its way)."""
    try:
        history = await handle.fetch_history()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return 0
        raise
    return sum(
        1 for event in history.events if event.HasField("workflow_execution_signaled_event_attributes")
    )
