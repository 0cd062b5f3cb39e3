"""Comments on the sandbox: a customer's comment is pushed, the account lists and replies under it, with the
platform's refusals (scope, sensitive words, another item's comment) and the admin view of the thread."""

from __future__ import annotations

from typing import Any

import httpx

from douyin_sandbox.testing import CUSTOMER_OPEN_ID, ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import Receiver

CLIENT_KEY = "douflow-dev-key"


async def call(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    token: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    **params: Any,
) -> dict[str, Any]:
    response = await http.request(
        method,
        f"{sandbox.base_url}/item/comment/{path}",
        params={"open_id": ENTERPRISE_OPEN_ID, **params},
        headers={"access-token": token},
        json=body,
    )
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def code(answer: dict[str, Any]) -> int:
    return int(answer["data"]["error_code"])


async def item_of(sandbox: RunningSandbox, open_id: str = ENTERPRISE_OPEN_ID) -> str:
    item_id: str = (await sandbox.post_by_hand(open_id, "新品拿铁上市"))["item_id"]
    return item_id


async def test_a_customers_comment_is_pushed_listed_and_answered_under_it(
    douyin_sandbox: RunningSandbox,
    receiver: Receiver,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
) -> None:
    item_id = await item_of(douyin_sandbox)
    made = await douyin_sandbox.comment(item_id, "几点开门呀？")
    token = enterprise_tokens["access_token"]

    await douyin_sandbox.deliveries(wait=True)
    [pushed] = receiver.events("item_comment_reply")
    listed = await call(douyin_http, douyin_sandbox, token, "GET", "list/", item_id=item_id, count=20)
    replied = await call(
        douyin_http,
        douyin_sandbox,
        token,
        "POST",
        "reply/",
        body={"item_id": item_id, "comment_id": made["comment_id"], "content": "每天10点开门～"},
    )
    replies = await call(
        douyin_http, douyin_sandbox, token, "GET", "reply/list/", item_id=item_id,
        comment_id=made["comment_id"], count=10,
    )  # fmt: skip

    assert pushed["from_user_id"] == CUSTOMER_OPEN_ID and pushed["to_user_id"] == ENTERPRISE_OPEN_ID
    content = pushed["content"]
    assert isinstance(content, dict) and content["comment_id"] == made["comment_id"]
    assert content["comment_user_id"] == CUSTOMER_OPEN_ID and content["content"] == "几点开门呀？"
    assert content["reply_to_item_id"] == item_id and set(content) >= {
        "create_time",
        "digg_count",
        "at_user_id",
    }
    [listed_comment] = listed["data"]["list"]
    assert listed_comment["comment_id"] == made["comment_id"] and listed["data"]["has_more"] is False
    assert code(replied) == 0
    [reply] = replies["data"]["list"]
    assert reply["comment_id"] == replied["data"]["comment_id"] and reply["content"] == "每天10点开门～"
    assert reply["comment_user_id"] == ENTERPRISE_OPEN_ID
    thread = await douyin_sandbox.comments(item_id)
    assert [(c["content"], c["by_owner"], c["source"]) for c in thread] == [
        ("几点开门呀？", False, ""),
        ("每天10点开门～", True, CLIENT_KEY),
    ]
    assert thread[1]["reply_to_comment_id"] == made["comment_id"]
    assert len(receiver.events("item_comment_reply")) == 1, "our own reply is not pushed back"


async def test_sensitive_words_another_items_comment_and_a_missing_scope_are_refused(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    item_id, other_item = await item_of(douyin_sandbox), await item_of(douyin_sandbox)
    made = await douyin_sandbox.comment(item_id, "多少钱？")
    token = enterprise_tokens["access_token"]

    def reply(content: str, item: str = item_id) -> dict[str, Any]:
        return {"item_id": item, "comment_id": made["comment_id"], "content": content}

    sensitive = await call(douyin_http, douyin_sandbox, token, "POST", "reply/", body=reply("加我vx详聊"))
    elsewhere = await call(douyin_http, douyin_sandbox, token, "POST", "reply/", body=reply("好", other_item))
    unknown = await call(
        douyin_http, douyin_sandbox, token, "POST", "reply/",
        body={"item_id": item_id, "comment_id": "404", "content": "好"},
    )  # fmt: skip
    await douyin_sandbox.set_faults(remove_scopes={ENTERPRISE_OPEN_ID: ["item.comment"]})
    no_scope = await call(douyin_http, douyin_sandbox, token, "POST", "reply/", body=reply("欢迎私信咨询"))

    assert code(sensitive) == 2111001 and code(elsewhere) == 2111004 and code(unknown) == 2111003
    assert code(no_scope) == 28001012
    assert [c["content"] for c in await douyin_sandbox.comments(item_id)] == ["多少钱？"]


async def test_lists_page_by_cursor_and_only_show_the_accounts_own_items(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    item_id, foreign = await item_of(douyin_sandbox), await item_of(douyin_sandbox, PERSONAL_OPEN_ID)
    for n in range(3):
        await douyin_sandbox.comment(item_id, f"第{n}条")
    token = enterprise_tokens["access_token"]

    first = await call(
        douyin_http, douyin_sandbox, token, "GET", "list/", item_id=item_id, count=2, sort_type="time_asc"
    )
    rest = await call(
        douyin_http, douyin_sandbox, token, "GET", "list/", item_id=item_id, count=2, sort_type="time_asc",
        cursor=first["data"]["cursor"],
    )  # fmt: skip
    too_many = await call(douyin_http, douyin_sandbox, token, "GET", "list/", item_id=item_id, count=21)
    not_mine = await call(douyin_http, douyin_sandbox, token, "GET", "list/", item_id=foreign)

    assert [c["content"] for c in first["data"]["list"]] == ["第0条", "第1条"] and first["data"]["has_more"]
    assert [c["content"] for c in rest["data"]["list"]] == ["第2条"] and not rest["data"]["has_more"]
    assert code(too_many) == 28001007 and code(not_mine) == 28001007
