"""The customer's chat page (`GET /sandbox/chat`): what it offers, that it escapes names, and that the requests
its script makes are ones the admin triggers take."""

from __future__ import annotations

import re

import httpx

from douyin_sandbox.chat_page import chat_page
from douyin_sandbox.testing import CUSTOMER_OPEN_ID, ENTERPRISE_OPEN_ID, RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS, SandboxUser


def options(page: str, select_id: str) -> list[str]:
    match = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert match is not None
    return re.findall(r'<option value="([^"]*)"', match.group(1))


async def test_the_page_offers_the_enterprise_accounts_and_the_customers(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
) -> None:
    response = await douyin_http.get(f"{douyin_sandbox.base_url}/sandbox/chat")

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert options(page, "account") == [u.open_id for u in SANDBOX_USERS if u.enterprise]
    assert options(page, "customer") == [u.open_id for u in SANDBOX_USERS if not u.authorizable] + [""]
    assert '<form id="chat-form">' in page and '<textarea id="text"' in page
    assert 'admin("receive"' in page and 'admin("enter"' in page
    assert "/sandbox/admin/im/messages?conversation_id=" in page and "setInterval(refresh, 1000)" in page
    assert "src=" not in page and "http" not in page  # nothing loaded from elsewhere


def test_names_cannot_break_out_of_the_markup_or_the_script() -> None:
    hostile = SandboxUser(
        open_id='acct"><i>',
        union_id="u",
        nickname="<b>店</b></script><script>alert(1)",
        avatar="",
        enterprise=True,
    )

    page = chat_page([hostile])

    assert "<b>店</b>" not in page and "&lt;b&gt;店&lt;/b&gt;" in page
    assert 'value="acct&quot;&gt;&lt;i&gt;"' in page
    assert page.count("</script>") == 1 and page.count("<script>") == 1


async def test_the_requests_of_the_script_are_taken_and_the_chat_shows_them(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
) -> None:
    admin = f"{douyin_sandbox.base_url}/sandbox/admin/im"
    sent = await douyin_http.post(
        f"{admin}/receive",
        json={"to_open_id": ENTERPRISE_OPEN_ID, "from_open_id": CUSTOMER_OPEN_ID, "text": "在吗",
              "conversation_short_id": None},
    )  # fmt: skip
    assert sent.status_code == 200
    conversation = sent.json()["content"]["conversation_short_id"]
    entered = await douyin_http.post(
        f"{admin}/enter",
        json={
            "open_id": ENTERPRISE_OPEN_ID,
            "from_open_id": CUSTOMER_OPEN_ID,
            "conversation_short_id": conversation,
        },
    )
    assert entered.status_code == 200 and entered.json()["conversation_short_id"] == conversation

    chat = (await douyin_http.get(f"{admin}/messages", params={"conversation_id": conversation})).json()

    assert [(m["direction"], m["from_open_id"], m["text"]) for m in chat] == [
        ("received", CUSTOMER_OPEN_ID, "在吗")
    ]
    assert {"created_at", "scene", "source", "message_type", "server_message_id", "recalled"} <= set(chat[0])
