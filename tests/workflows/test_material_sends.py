"""Materials sent in a conversation (seed 17) through the real stack and the Douyin sandbox: an image goes as an
uploaded image (msg_type 2), a document as our tracked link in a text that compliance lets through, and a send
is refused with its reason when the material expired, the agent's libraries do not hold it, or the bot may not
use its library."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douflow.temporal import ids
from douyin_sandbox.testing import RunningSandbox
from models.materials import MaterialSend, MaterialSendOutcome
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import ACCOUNT_OPEN_ID, Chat, new_chat
from tests.support.materials import document, library, material, member
from tests.support.polling import eventually

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    chat = await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "mat")
    await chat.write("在吗")
    await chat.replies(1)
    await chat.settled()
    return chat


@pytest.fixture
async def manager(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], chat: Chat
) -> TestUser:
    """An operator of the chat's tenant who manages its libraries."""
    return await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")


async def image_material(http: httpx.AsyncClient, user: TestUser, library_id: str) -> dict[str, Any]:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, format="PNG")
    uploaded = await http.post(
        "/api/v1/media", files={"file": ("poster.png", picture.getvalue(), "image/png")}, headers=user.headers
    )
    assert uploaded.status_code == 201, uploaded.text
    return await material(
        http, user, library_id, kind="image", title="S1 咖啡机海报", text=None, asset_id=uploaded.json()["id"]
    )


async def test_an_image_material_goes_as_an_uploaded_image(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    lib = await library(http, manager)
    await member(http, manager, lib["id"], chat.user, "viewer")
    poster = await image_material(http, manager, lib["id"])

    sent = await chat.post("materials", material_id=poster["id"])

    assert sent.status_code == 201 and sent.json()["status"] == "sent", sent.text
    replies = await chat.replies(2)
    assert replies[-1]["message_type"] == "image" and replies[-1]["msg_type"] == 2
    assert replies[-1]["media_id"]
    messages = await chat.messages_until(
        lambda ms: any(m["msg_type"] == "image" and m["author"] == "agent" for m in ms)
    )
    [record] = [m for m in messages if m["msg_type"] == "image"]
    assert (record["status"], record["text"], record["author_user_id"]) == (
        "sent",
        "[图片] S1 咖啡机海报",
        chat.user.user_id,
    )


async def test_a_document_goes_as_our_tracked_link_and_its_open_counts(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser, settings: Settings, bff_url: str
) -> None:
    lib = await library(http, manager)
    await member(http, manager, lib["id"], chat.user, "viewer")
    # A token may hold digits or letters that look like contact details: the link is ours all the same.
    sheet = await material(
        http, manager, lib["id"], kind="price_sheet", title="冬季价目表", text=None,
        document=document("价目表.txt", "S1 咖啡机 3999 元".encode()),
    )  # fmt: skip

    sent = await chat.post("materials", material_id=sheet["id"])

    assert sent.status_code == 201 and sent.json()["status"] == "sent", sent.text
    link_id = sent.json()["share_link_id"]
    replies = await chat.replies(2)
    text = replies[-1]["text"]
    assert text.startswith("冬季价目表：" + settings.public_base_url.rstrip("/") + "/m/")
    async with httpx.AsyncClient(base_url=bff_url) as phone:
        opened = await phone.get(urlsplit(text.split("：", 1)[1]).path)
    assert opened.status_code == 200 and "冬季价目表" in opened.text
    link = (await http.get(f"/api/v1/material-share-links/{link_id}", headers=manager.headers)).json()
    assert (link["opens"], link["shared_by"], link["conversation_id"]) == (
        1,
        "agent",
        await chat.conversation_id(),
    )
    customer = link["customer_id"]
    events = (await http.get(f"/api/v1/customers/{customer}", headers=manager.headers)).json()["events"]
    assert "material_opened" in {e["type"] for e in events}


async def test_refusals_name_their_reason(chat: Chat, http: httpx.AsyncClient, manager: TestUser) -> None:
    lib = await library(http, manager)
    mine = await material(http, manager, lib["id"])
    not_member = await chat.post("materials", material_id=mine["id"])
    assert not_member.status_code == 403

    await member(http, manager, lib["id"], chat.user, "viewer")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    old = await material(http, manager, lib["id"], kind="price_sheet", title="旧价目表", expires_at=past)
    expired = await chat.post("materials", material_id=old["id"])
    assert expired.status_code == 409 and expired.json()["code"] == "material_not_sendable"
    unknown = await chat.post("materials", material_id=str(uuid.uuid4()))
    assert unknown.status_code == 422 and "material_id" in unknown.text
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1


async def test_the_bot_sends_only_materials_of_libraries_open_to_it(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser, temporal_env: WorkflowEnvironment
) -> None:
    closed = await library(http, manager)
    faq_closed = await material(http, manager, closed["id"])
    opened = await library(http, manager, bot_may_use=True)
    faq_open = await material(
        http, manager, opened["id"], kind="case_study", title="连锁品牌案例", text="复购率提升 40%。"
    )
    handle = temporal_env.client.get_workflow_handle(
        ids.conversation_workflow_id(chat.account_id, chat.customer)
    )

    async def send(material_id: str, key: str) -> MaterialSendOutcome:
        update = MaterialSend(material_id=material_id, sender="bot", step_key=key)
        result: MaterialSendOutcome = await handle.execute_update(
            "send_material", update, result_type=MaterialSendOutcome
        )
        return result

    refused = await send(faq_closed["id"], "bot-1")
    assert refused.status == "refused" and "not open to the bot" in (refused.reason or "")
    sent = await send(faq_open["id"], "bot-2")
    assert sent.status == "sent" and sent.share_link_id
    replies = await chat.replies(2)
    assert replies[-1]["text"].startswith("连锁品牌案例：")

    # A person owning the conversation stops the bot's (and a journey's) sends.
    assert (await chat.post("takeover")).status_code == 200
    held = await send(faq_open["id"], "bot-3")
    assert held.status == "refused" and "human" in (held.reason or "")
    journey = await handle.execute_update(
        "send_material",
        MaterialSend(material_id=faq_open["id"], sender="journey", step_key="journey-1"),
        result_type=MaterialSendOutcome,
    )
    assert journey.status == "refused" and "never talks over a human" in (journey.reason or "")
    await eventually(
        chat.seen, lambda seen: len([m for m in seen if m["direction"] == "sent"]) == 2, within=10
    )


async def test_the_bot_offers_a_matching_faq_material_when_the_knowledge_base_has_no_answer(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    closed = await library(http, manager)
    await material(
        http, manager, closed["id"], title="咖啡机保修政策（内部）", text="内部资料：整机保修一年。"
    )
    opened = await library(http, manager, bot_may_use=True)
    warranty = await material(
        http, manager, opened["id"], title="咖啡机保修政策", text="整机保修一年，核心部件保修三年。"
    )

    await chat.write("咖啡机保修多久呀")

    replies = await chat.replies(3)
    assert replies[-1]["text"].startswith("咖啡机保修政策：")
    status = await eventually(chat.status, lambda s: s.state == "waiting_human", within=30)
    assert status.handoff_reason
    links = (await http.get(f"/api/v1/materials/{warranty['id']}/shares", headers=manager.headers)).json()
    assert [link["shared_by"] for link in links] == ["bot"]


async def test_another_tenant_can_send_nothing_into_the_conversation(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser, other_tenant_operator: TestUser
) -> None:
    lib = await library(http, manager)
    mine = await material(http, manager, lib["id"])
    theirs_lib = await library(http, other_tenant_operator)
    theirs = await material(http, other_tenant_operator, theirs_lib["id"])
    url = f"/api/v1/conversations/{await chat.conversation_id()}/materials"

    stranger = await http.post(url, json={"material_id": mine["id"]}, headers=other_tenant_operator.headers)
    foreign = await chat.post("materials", material_id=theirs["id"])

    assert stranger.status_code == 404
    assert foreign.status_code == 422 and "material_id" in foreign.text
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 1


async def test_a_video_of_a_published_item_goes_as_that_item(
    chat: Chat, http: httpx.AsyncClient, manager: TestUser
) -> None:
    posted = await chat.sandbox.post_by_hand(ACCOUNT_OPEN_ID, "S1 开箱视频", media_type=4)
    lib = await library(http, manager)
    await member(http, manager, lib["id"], chat.user, "viewer")
    video = await material(
        http,
        manager,
        lib["id"],
        kind="video",
        title="S1 开箱视频",
        text=None,
        douyin_item_id=posted["item_id"],
    )

    sent = await chat.post("materials", material_id=video["id"])

    assert sent.status_code == 201 and sent.json()["status"] == "sent", sent.text
    replies = await chat.replies(2)
    assert (replies[-1]["msg_type"], replies[-1]["item_id"]) == (3, posted["item_id"])
