"""Reply suggestions end to end (seed 11): a customer writes in the Douyin sandbox, an agent asks the BFF for
suggestions, the suggestion workflow drafts them on the real dev server from the tenant's knowledge base and
brand, and the agent sends one through the conversation, which records that it was used.

The stale guard is tested with the openai provider against the local OpenAI-compatible server, held at its
gate while the customer writes again.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import (
    HOURS_ANSWER,
    Chat,
    knowledge,
    new_chat,
    own_stack,
)
from tests.support.openai_server import running_openai_server
from tests.support.polling import eventually

pytestmark = pytest.mark.timeout(120)
STYLES = ["concise", "warm", "professional"]
LABELS = ["简洁直接", "热情亲切", "专业详细"]


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    """A customer-service agent of a tenant of its own, whose bound account is the enterprise one."""
    return await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "sg")


async def asked(chat: Chat, count: int = 1) -> list[dict[str, Any]]:
    """The customer's messages, once `count` of them are in the transcript."""
    messages = await chat.messages_until(lambda ms: len(_customer(ms)) >= count)
    return _customer(messages)


def _customer(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["author"] == "customer"]


async def suggest(chat: Chat) -> dict[str, Any]:
    answer = await chat.post("suggestions")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def brand_for(http: httpx.AsyncClient, operator: TestUser, account_id: str) -> None:
    body = {
        "name": "小鹿咖啡",
        "tone": "亲切",
        "products": [{"name": "手冲咖啡", "selling_points": ["当天现烘豆子", "一杯一冲"]}],
        "account_ids": [account_id],
    }
    created = await http.post("/api/v1/brands", json=body, headers=operator.headers)
    assert created.status_code == 201, created.text


async def test_three_styles_rest_on_the_entry_that_answers_and_speak_for_the_brand(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")
    await brand_for(http, operator, chat.account_id)
    entry = await knowledge(
        http,
        sessionmaker,
        chat,
        question="你们营业时间是几点到几点？",
        variants=["几点开门"],
        answer=HOURS_ANSWER,
    )
    await chat.write("请问你们几点开门呀")
    [question] = await asked(chat)

    made = await suggest(chat)

    assert [s["style"] for s in made["suggestions"]] == STYLES
    assert [s["label"] for s in made["suggestions"]] == LABELS
    assert all(s["cited"] == [entry] and not s["holding"] for s in made["suggestions"])
    assert all(HOURS_ANSWER.rstrip("。") in s["text"] for s in made["suggestions"])
    assert len({s["text"] for s in made["suggestions"]}) == 3
    concise, warm, professional = (s["text"] for s in made["suggestions"])
    assert concise == HOURS_ANSWER and "小鹿咖啡" in warm and "当天现烘豆子" in professional
    assert made["based_on"] == question["id"] and made["stale"] is False
    read = await chat.http.get(
        f"/api/v1/conversations/{made['conversation_id']}/suggestions", headers=chat.user.headers
    )
    assert read.status_code == 200 and read.json()["set_id"] == made["set_id"]
    assert read.json()["stale"] is False


async def test_with_no_entry_that_answers_each_style_holds_and_cites_nothing(chat: Chat) -> None:
    await chat.write("你们能开增值税专用发票吗")
    await asked(chat)

    made = await suggest(chat)

    assert [s["style"] for s in made["suggestions"]] == STYLES
    assert all(s["holding"] and s["cited"] == [] for s in made["suggestions"])
    assert all("核实" in s["text"] or "确认" in s["text"] for s in made["suggestions"])
    assert "增值税专用发票" in made["suggestions"][2]["text"]


async def test_a_set_is_stale_when_the_customer_wrote_while_it_was_drafted(
    chat: Chat,
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    async with running_openai_server() as model:
        changes = {
            "agent_provider": "openai",
            "openai_base_url": model.base_url,
            "openai_api_key": SecretStr("local"),
        }
        async with own_stack(temporal_env, settings, sandbox, bff_url, **changes) as own:
            chat.http = own
            await chat.write("几点开门")
            await chat.replies(1)
            taken = await chat.post("takeover")  # the bot stays out, so only the suggestion waits at the gate
            assert taken.status_code == 200, taken.text
            gate = asyncio.Event()
            model.set(gate=gate)
            seen = model.requests_seen
            drafting = asyncio.create_task(chat.post("suggestions"))
            await eventually(lambda: _requests(model), lambda n: n > seen, within=60)

            await chat.write("周末也开吗")
            first, newer = await asked(chat, 2)
            gate.set()
            answer = await drafting
            read = await own.get(
                f"/api/v1/conversations/{await chat.conversation_id()}/suggestions", headers=chat.user.headers
            )

    assert answer.status_code == 200, answer.text
    made = answer.json()
    assert made["stale"] is True and made["based_on"] == first["id"]
    assert made["latest_customer_message"] == newer["id"]
    assert [s["style"] for s in made["suggestions"]] == STYLES, "still returned, marked stale"
    assert read.json()["set_id"] == made["set_id"] and read.json()["stale"] is True


async def _requests(model: Any) -> int:
    count: int = model.requests_seen
    return count


async def test_sending_a_suggestion_records_it_as_is_or_edited_and_the_stats_count_it(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await knowledge(http, sessionmaker, chat, question="营业时间", variants=["几点开门"], answer=HOURS_ANSWER)
    await chat.write("几点开门")
    await asked(chat)
    concise, warm, _ = (await suggest(chat))["suggestions"]

    as_is = await chat.post("messages", text=concise["text"], suggestion_id=concise["id"])
    edited = await chat.post("messages", text=warm["text"] + "欢迎光临～", suggestion_id=warm["id"])

    assert as_is.status_code == 201 and as_is.json()["status"] == "sent", as_is.text
    assert edited.status_code == 201 and edited.json()["status"] == "sent", edited.text
    read = (
        await http.get(
            f"/api/v1/conversations/{await chat.conversation_id()}/suggestions", headers=chat.user.headers
        )
    ).json()
    used = {s["style"]: (s["used_by"], s["edited"]) for s in read["suggestions"] if s["used_at"]}
    assert used == {"concise": (chat.user.user_id, False), "warm": (chat.user.user_id, True)}
    operator = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")
    today = datetime.now(UTC).date()
    stats = (
        await http.get(f"/api/v1/suggestions/stats?since={today}&until={today}", headers=operator.headers)
    ).json()
    assert (stats["sets"], stats["sets_used"], stats["suggestions"]) == (1, 1, 3)
    assert (stats["used_as_is"], stats["used_edited"], stats["acceptance_rate"]) == (1, 1, 1.0)
    per_style = {s["style"]: (s["made"], s["used_as_is"], s["used_edited"]) for s in stats["styles"]}
    assert per_style == {"concise": (1, 1, 0), "warm": (1, 0, 1), "professional": (1, 0, 0)}
    later = today + timedelta(days=1)
    none_later = (await http.get(f"/api/v1/suggestions/stats?since={later}", headers=operator.headers)).json()
    assert none_later["sets"] == 0 and none_later["acceptance_rate"] == 0.0
    by_agent = await http.get("/api/v1/suggestions/stats", headers=chat.user.headers)
    assert by_agent.status_code == 403
    not_a_day = await http.get("/api/v1/suggestions/stats?until=0", headers=operator.headers)
    assert not_a_day.status_code == 422, "a number is not a day"


async def test_another_tenant_cannot_ask_read_or_count_the_suggestions(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.write("在吗")
    await asked(chat)
    await suggest(chat)
    conversation_id = await chat.conversation_id()
    stranger = await user_with_token(http, sessionmaker, f"other-{uuid.uuid4().hex[:6]}", "olga", "admin")

    made = await http.post(f"/api/v1/conversations/{conversation_id}/suggestions", headers=stranger.headers)
    read = await http.get(f"/api/v1/conversations/{conversation_id}/suggestions", headers=stranger.headers)
    stats = (await http.get("/api/v1/suggestions/stats", headers=stranger.headers)).json()

    assert made.status_code == 404 and read.status_code == 404
    assert stats["sets"] == 0


async def test_a_suggestion_of_another_conversation_is_refused_before_sending(
    chat: Chat, http: httpx.AsyncClient
) -> None:
    other = Chat(http, chat.sandbox, chat.client, chat.user, chat.account_id)
    await other.write("在吗")
    await asked(other)
    foreign = (await suggest(other))["suggestions"][0]["id"]
    await chat.write("在吗")
    await asked(chat)

    refused = await chat.post("messages", text="您好", suggestion_id=foreign)
    unknown = await chat.post("messages", text="您好", suggestion_id=str(uuid.uuid4()))

    assert refused.status_code == 422 and unknown.status_code == 422, refused.text
    assert not [m for m in (await chat.detail())["messages"] if m["author"] == "agent"], "nothing was sent"


async def test_a_suggestion_is_rewritten_by_compliance_before_an_agent_sees_it(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await knowledge(
        http,
        sessionmaker,
        chat,
        question="你们用的什么咖啡豆",
        variants=["什么豆子"],
        answer="我们用的是最好的阿拉比卡豆。",
    )
    await chat.write("你们用的什么豆子")
    await asked(chat)

    made = await suggest(chat)

    concise = made["suggestions"][0]
    assert concise["text"] == "我们用的是很好的阿拉比卡豆。"
    assert concise["findings"] == ["absolute_claim:最好"]
    assert all("最好" not in s["text"] for s in made["suggestions"])
