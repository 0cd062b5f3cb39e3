"""Intent scoring and lead capture end to end (seed 12, 13): customers write (or like, follow, submit a card) in
the Douyin sandbox, the signed webhooks reach the BFF, the workflows record behaviour events on the real dev
server, and scores, levels, threshold actions and leads are read back through the BFF as each role sees them.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import ACCOUNT_OPEN_ID, Chat, knowledge, new_chat
from tests.support.polling import eventually

pytestmark = pytest.mark.timeout(120)
PRICE_ANSWER = "拿铁28元一杯，美式22元一杯。"


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    """A customer-service agent of a tenant of its own, whose bound account is the enterprise one, and a
    knowledge entry that answers price questions."""
    found = await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "ls")
    await knowledge(
        http, sessionmaker, found, question="咖啡多少钱", variants=["拿铁多少钱"], answer=PRICE_ANSWER
    )
    return found


async def _get(http: httpx.AsyncClient, user: TestUser, path: str, **params: Any) -> Any:
    answer = await http.get(path, params=params, headers=user.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _customer(chat: Chat, open_id: str | None = None, until: Any = bool) -> dict[str, Any]:
    """The customer's profile as the chat's agent sees it, once `until` holds."""
    wanted = open_id or chat.customer

    async def probe() -> dict[str, Any] | None:
        page = await _get(chat.http, chat.user, "/api/v1/customers")
        mine = [c for c in page["items"] if c["open_id"] == wanted]
        if not mine:
            return None
        detail: dict[str, Any] = await _get(chat.http, chat.user, f"/api/v1/customers/{mine[0]['id']}")
        return detail if until(detail) else None

    found: dict[str, Any] = await eventually(probe, within=60)
    return found


def _types(detail: dict[str, Any]) -> list[str]:
    return sorted(e["type"] for e in detail["events"])


async def test_a_price_question_is_answered_then_the_customer_is_asked_for_a_contact_once_left_never_again(
    chat: Chat,
) -> None:
    await chat.write("拿铁多少钱？")
    answer, ask = await chat.replies(2)

    assert answer["text"] == PRICE_ANSWER
    assert "联系电话" in ask["text"] and "手机号" not in ask["text"]
    messages = await chat.messages_until(lambda ms: len(ms) == 3 and ms[2]["status"] == "sent")
    assert [m["decision"]["action"] for m in messages[1:]] == ["answer", "ask_lead"]
    assert messages[2]["findings"] == [], "the ask passed the compliance check unchanged"

    await chat.write("好的，我的电话是 +86 138-1234-5678")
    thanks = (await chat.replies(3))[-1]
    await chat.write("美式多少钱")
    replies = await chat.replies(4)
    await chat.settled()

    assert "谢谢" in thanks["text"]
    assert replies[-1]["text"] == PRICE_ANSWER
    assert len([m for m in await chat.seen() if m["direction"] == "sent"]) == 4, "no second ask"
    leads = await _get(chat.http, chat.user, "/api/v1/leads")
    [lead] = leads["items"]
    assert (lead["phone"], lead["source"], lead["consent"], lead["masked"]) == (
        "13812345678",
        "message",
        True,
        False,
    )
    assert lead["conversation_id"] == await chat.conversation_id()
    detail = await _customer(chat, until=lambda d: "lead_left" in _types(d))
    assert _types(detail).count("price_question") == 2 and _types(detail).count("message_received") == 3
    explained = {(c["event_type"], c["points"]) for c in detail["explanation"]}
    assert {("price_question", 15), ("lead_left", 50), ("message_received", 1)} <= explained
    assert detail["level"] == "hot" and detail["leads"][0]["phone"] == "13812345678"


async def test_after_a_refusal_the_bot_backs_off(chat: Chat) -> None:
    await chat.write("拿铁多少钱")
    await chat.replies(2)
    await chat.write("不用了")
    accepted = (await chat.replies(3))[-1]
    await chat.write("美式多少钱")
    await chat.replies(4)
    await chat.settled()

    assert accepted["text"].startswith("好的")
    messages = await chat.messages_until(lambda ms: len(ms) == 7)
    actions = [m["decision"]["action"] for m in messages if m["author"] == "bot"]
    assert actions == ["answer", "ask_lead", "answer", "answer"]
    assert (await chat.detail())["state"] == "bot", "a refusal is no reason for a person"
    detail = await _customer(chat, until=lambda d: "lead_refused" in _types(d))
    assert detail["leads"] == []


async def test_a_configured_card_is_sent_and_its_submission_becomes_a_lead_masked_for_a_viewer(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "ada", "admin")
    patched = await http.patch(
        "/api/v1/tenant", json={"lead_card_ids": {chat.account_id: "card-7788"}}, headers=admin.headers
    )
    assert patched.status_code == 200 and patched.json()["lead_card_ids"] == {chat.account_id: "card-7788"}

    await chat.write("怎么预约到店？拿铁多少钱")
    _, card = await chat.replies(2)
    assert card["message_type"] == "other" and card["card_id"] == "card-7788"
    await chat.sandbox.im_card_submit(
        ACCOUNT_OPEN_ID,
        "card-7788",
        [{"label": "姓名", "value": "王小明"}, {"label": "手机号", "value": "139 0000 1111"}],
        from_open_id=chat.customer,
        conversation_id=chat.douyin_conversation,
    )
    detail = await _customer(chat, until=lambda d: d["leads"])

    assert {"card_submitted", "lead_left", "booking_question"} <= set(_types(detail))
    lead = detail["leads"][0]
    assert (lead["phone"], lead["name"], lead["source"]) == ("13900001111", "王小明", "card")
    viewer = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "vic", "viewer")
    [masked] = (await _get(http, viewer, "/api/v1/leads"))["items"]
    assert (masked["phone"], masked["masked"]) == ("139****1111", True)
    as_viewer = await _get(http, viewer, f"/api/v1/customers/{detail['id']}")
    assert as_viewer["leads"][0]["phone"] == "139****1111"


async def test_rules_score_repeatable_questions_and_a_threshold_fires_once_with_the_level_changes(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    operator = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")
    defaults = await _get(http, operator, "/api/v1/scoring-rules")
    assert (defaults["custom"], defaults["version"]) == (False, 0)
    rules = {
        "rules": [
            {"event_type": "price_question", "points": 30, "groups": ["coffee"]},
            {"event_type": "message_received", "points": 1, "repeatable": False, "groups": ["coffee"]},
        ],
        "thresholds": [
            {
                "group": "coffee",
                "score": 50,
                "actions": [{"kind": "tag", "tag": "咖啡热客"}, {"kind": "notify"}],
            }
        ],
        "levels": {"warm": 20, "hot": 50},
        "notify_on_level": [],
    }
    refused = await http.put("/api/v1/scoring-rules", json=rules, headers=chat.user.headers)
    put = await http.put("/api/v1/scoring-rules", json=rules, headers=operator.headers)
    assert refused.status_code == 403 and put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["custom"]) == (1, True)

    # The first price question is answered and followed by a contact ask; the cooldown holds the next asks.
    for replies, question in zip([2, 3, 4], ["拿铁多少钱", "美式多少钱", "咖啡多少钱"], strict=True):
        await chat.write(question)
        await chat.replies(replies)
        await chat.settled()
    detail = await _customer(chat, until=lambda d: d["scores"].get("coffee") == 91)

    assert detail["level"] == "hot" and detail["tags"] == ["咖啡热客"]
    crossings = sorted((c["key"], c["value"], c["above"]) for c in detail["crossings"])
    assert crossings == [("coffee>=50", "61", True), ("level", "hot", True), ("level", "warm", True)]
    notices = (await http.get("/api/v1/notifications", headers=chat.user.headers)).json()["items"]
    assert len([n for n in notices if n["object_id"] == detail["id"] and n["kind"] == "customer_intent"]) == 1
    hot = await _get(http, chat.user, "/api/v1/customers", level="hot", tag="咖啡热客")
    assert [c["id"] for c in hot["items"]] == [detail["id"]]
    assert (await _get(http, chat.user, "/api/v1/customers", min_score=92))["items"] == []
    reset = await http.delete("/api/v1/scoring-rules", headers=operator.headers)
    rescored = await _get(http, chat.user, f"/api/v1/customers/{detail['id']}")
    assert reset.status_code == 204 and rescored["rules_version"] == 0
    # The defaults: 15 per price question up to 30 a day, 1 per message, decayed by the minutes since
    # (half-lives of days).
    assert 32.9 <= rescored["scores"]["default"] <= 33, "the defaults score the same events anew"


async def test_likes_and_follows_become_the_fans_events(chat: Chat) -> None:
    fan = f"fan-{uuid.uuid4().hex[:10]}"
    await chat.sandbox.fan_action("new_video_digg", ACCOUNT_OPEN_ID, from_open_id=fan)
    await chat.sandbox.fan_action("new_follow_action", ACCOUNT_OPEN_ID, from_open_id=fan)

    detail = await _customer(chat, fan, until=lambda d: len(d["events"]) == 2)

    assert _types(detail) == ["new_follow_action", "new_video_digg"]
    assert detail["events"][0]["detail"]["account_id"] == chat.account_id
    assert detail["scores"]["default"] > 0


async def test_customers_leads_and_events_stay_in_their_tenant(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.write("我的电话是13812345678")
    detail = await _customer(chat, until=lambda d: d["leads"])
    other = await user_with_token(http, sessionmaker, f"other-{uuid.uuid4().hex[:8]}", "olga", "admin")

    missing = await http.get(f"/api/v1/customers/{detail['id']}", headers=other.headers)
    assert missing.status_code == 404
    assert (await _get(http, other, "/api/v1/customers"))["items"] == []
    assert (await _get(http, other, "/api/v1/leads"))["items"] == []
    assert (await _get(http, other, "/api/v1/leads", customer_id=detail["id"]))["items"] == []
