"""Reply suggestions cite library materials (seed 11, 17) end to end: a customer writes in the Douyin sandbox,
an agent asks the BFF for suggestions, and the suggestion workflow on the real dev server cites the materials
that answer the customer from libraries open to the bot that the agent may send from, never an expired one nor
another tenant's; a set read later keeps only what its reader may send now."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import Chat, new_chat
from tests.support.materials import library, material, member

pytestmark = pytest.mark.timeout(120)
QUESTION = "你们咖啡机的价目表发我看看"
SHEET = {
    "kind": "price_sheet",
    "title": "2026冬季咖啡机价目表",
    "description": "S1 咖啡机、磨豆机的零售价",
    "tags": ["价格", "价目表"],
    "text": "S1 咖啡机 3999 元；G2 磨豆机 899 元",
}


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    return await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "sgm")


@pytest.fixture
async def manager(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], chat: Chat
) -> TestUser:
    """An operator of the chat's tenant who makes its libraries."""
    return await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")


async def customer_asks(chat: Chat) -> None:
    await chat.write(QUESTION)
    await chat.messages_until(lambda ms: any(m["author"] == "customer" for m in ms))


async def suggest(chat: Chat, user: TestUser) -> dict[str, Any]:
    conversation_id = await chat.conversation_id()
    answer = await chat.http.post(
        f"/api/v1/conversations/{conversation_id}/suggestions", headers=user.headers
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def latest(chat: Chat, user: TestUser) -> dict[str, Any]:
    conversation_id = await chat.conversation_id()
    read = await chat.http.get(f"/api/v1/conversations/{conversation_id}/suggestions", headers=user.headers)
    assert read.status_code == 200, read.text
    body: dict[str, Any] = read.json()
    return body


def cited(made: dict[str, Any]) -> list[str]:
    return [m["material_id"] for m in made["materials"]]


def offered(made: dict[str, Any]) -> list[list[str]]:
    return [s["materials"] for s in made["suggestions"]]


async def test_an_agent_sees_a_material_of_their_library_cited_and_offered_by_name(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    lib = await library(http, manager, bot_may_use=True)
    await member(http, manager, lib["id"], chat.user, "viewer")
    sheet = await material(http, manager, lib["id"], **SHEET)
    await customer_asks(chat)

    made = await suggest(chat, chat.user)

    [citation] = made["materials"]
    assert (citation["material_id"], citation["title"], citation["kind"], citation["library_id"]) == (
        sheet["id"],
        SHEET["title"],
        "price_sheet",
        lib["id"],
    )
    assert citation["matched"] == ["咖啡机", "价目表"]
    assert "「价目表」" in citation["why"] and citation["coverage"] >= 0.5
    assert offered(made) == [[sheet["id"]]] * 3
    assert all(f"《{SHEET['title']}》" in s["text"] for s in made["suggestions"])
    read = await latest(chat, chat.user)
    assert read["materials"] == made["materials"] and offered(read) == offered(made)


async def test_a_library_closed_to_the_bot_is_never_cited_even_to_its_members(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    """Suggestions are the model's drafts: like the bot, they cite only libraries open to it."""
    closed = await library(http, manager, bot_may_use=False)
    await member(http, manager, closed["id"], chat.user, "viewer")
    await material(http, manager, closed["id"], **SHEET)
    await customer_asks(chat)

    made = await suggest(chat, chat.user)

    assert made["materials"] == [] and offered(made) == [[]] * 3
    assert all(SHEET["title"] not in s["text"] for s in made["suggestions"])


async def test_an_agent_without_access_to_the_library_is_neither_cited_nor_offered_it(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lib = await library(http, manager, bot_may_use=True)
    colleague = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "bruno", "agent")
    await member(http, manager, lib["id"], colleague, "viewer")
    sheet = await material(http, manager, lib["id"], **SHEET)
    await customer_asks(chat)

    outsider = await suggest(chat, chat.user)
    insider = await suggest(chat, colleague)
    read_by_outsider = await latest(chat, chat.user)

    assert outsider["materials"] == [] and offered(outsider) == [[]] * 3
    assert all(SHEET["title"] not in s["text"] for s in outsider["suggestions"])
    assert cited(insider) == [sheet["id"]], "the member is offered it"
    assert read_by_outsider["set_id"] == insider["set_id"]
    # The insider's drafts name the material and promise it: the outsider is shown none of them.
    assert read_by_outsider["materials"] == [] and read_by_outsider["suggestions"] == []
    assert SHEET["title"] not in str(read_by_outsider)


async def test_an_expired_material_is_never_cited_and_one_that_expires_later_drops_out(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    lib = await library(http, manager, bot_may_use=True)
    await member(http, manager, lib["id"], chat.user, "viewer")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    old = await material(
        http, manager, lib["id"], **SHEET | {"title": "2025秋季咖啡机价目表", "expires_at": past}
    )
    current = await material(http, manager, lib["id"], **SHEET)
    await customer_asks(chat)

    made = await suggest(chat, chat.user)
    expired = await http.patch(
        f"/api/v1/materials/{current['id']}", json={"expires_at": past}, headers=manager.headers
    )
    read = await latest(chat, chat.user)

    assert cited(made) == [current["id"]] and old["id"] not in str(made)
    assert expired.status_code == 200, expired.text
    assert read["set_id"] == made["set_id"]
    assert read["materials"] == [] and read["suggestions"] == [], "no draft still promises the expired sheet"


async def test_another_tenants_materials_are_never_cited(
    chat: Chat,
    http: httpx.AsyncClient,
    manager: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    stranger = await user_with_token(http, sessionmaker, f"other-{uuid.uuid4().hex[:6]}", "olga", "admin")
    theirs = await library(http, stranger, bot_may_use=True)
    await material(http, stranger, theirs["id"], **SHEET | {"title": "咖啡机价目表"})
    lib = await library(http, manager, bot_may_use=True)
    await member(http, manager, lib["id"], chat.user, "viewer")
    ours = await material(http, manager, lib["id"], **SHEET)
    await customer_asks(chat)

    made = await suggest(chat, chat.user)

    assert cited(made) == [ours["id"]], "the tenant's own material, not the other tenant's"
    assert all("《咖啡机价目表》" not in s["text"] for s in made["suggestions"])
