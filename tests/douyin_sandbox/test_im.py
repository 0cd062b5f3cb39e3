"""Private messages on the sandbox: sending with its windows and limits, the echoes, the admin triggers."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from douyin_sandbox.testing import CUSTOMER_OPEN_ID, ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import Receiver, png_bytes

DAY = 86_400
CLIENT_KEY = "douflow-dev-key"
OTHER_CUSTOMER = "8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c"


def text(value: str) -> dict[str, Any]:
    return {"msg_type": 1, "text": {"text": value}}


async def send(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    token: str,
    body: dict[str, Any],
    open_id: str = ENTERPRISE_OPEN_ID,
) -> dict[str, Any]:
    response = await http.post(
        f"{sandbox.base_url}/im/send/msg/",
        params={"open_id": open_id},
        headers={"access-token": token},
        json=body,
    )
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def reply_to(
    received: dict[str, Any], content: dict[str, Any], scene: str = "im_replay_msg"
) -> dict[str, Any]:
    return {
        "msg_id": received["content"]["server_message_id"],
        "conversation_id": received["content"]["conversation_short_id"],
        "to_user_id": CUSTOMER_OPEN_ID,
        "scene": scene,
        "content": content,
    }


def code(answer: dict[str, Any]) -> int:
    return int(answer["data"]["error_code"])


async def test_a_reply_within_24_hours_is_sent_and_echoed_with_the_apps_client_key(
    douyin_sandbox: RunningSandbox,
    receiver: Receiver,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
) -> None:
    start = await douyin_sandbox.freeze_clock(time.time() - DAY)
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "今天营业吗？")
    await douyin_sandbox.advance_clock(DAY - 60)
    token = enterprise_tokens["access_token"]

    answer = await send(douyin_http, douyin_sandbox, token, reply_to(received, text("营业到晚上十点")))
    variant = await send(douyin_http, douyin_sandbox, token, reply_to(received, text("欢迎"), "im_reply_msg"))

    assert code(answer) == 0 and code(variant) == 0
    msg_id = answer["data"]["msg_id"]
    await douyin_sandbox.deliveries(wait=True)
    echo, _ = receiver.events("im_send_msg")
    assert echo["from_user_id"] == ENTERPRISE_OPEN_ID and echo["to_user_id"] == CUSTOMER_OPEN_ID
    content = echo["content"]
    assert content["server_message_id"] == msg_id and content["source"] == CLIENT_KEY
    assert content["conversation_short_id"] == received["content"]["conversation_short_id"]
    assert content["message_type"] == "text" and content["text"] == "营业到晚上十点"
    assert content["create_time"] == int((start + DAY - 60) * 1000)


async def test_a_reply_to_a_message_older_than_24_hours_is_refused(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    await douyin_sandbox.freeze_clock(time.time() - 2 * DAY)
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "在吗")
    await douyin_sandbox.advance_clock(DAY)
    token = enterprise_tokens["access_token"]

    late = await send(douyin_http, douyin_sandbox, token, reply_to(received, text("在的")))
    unknown = reply_to(received, text("在的")) | {"msg_id": "@not-a-customer-message"}
    made_up = await send(douyin_http, douyin_sandbox, token, unknown)

    assert code(late) == 28001007 and late["extra"]["sub_error_code"] == 28001107
    assert "24小时" in late["data"]["description"]
    assert code(made_up) == 28001007 and made_up["extra"]["sub_error_code"] == 0
    assert all(
        m["direction"] == "received" for m in await douyin_sandbox.im_messages(unknown["conversation_id"])
    )


async def test_sending_needs_the_im_scope_and_an_enterprise_account(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
) -> None:
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "你好")
    no_scope = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID, scopes=["user_info"])
    answer = await send(douyin_http, douyin_sandbox, no_scope["access_token"], reply_to(received, text("hi")))
    assert code(answer) == 28001012

    personal = await douyin_sandbox.issue_tokens(PERSONAL_OPEN_ID)
    to_personal = await douyin_sandbox.im_receive(PERSONAL_OPEN_ID, "你好")
    refused = await send(
        douyin_http,
        douyin_sandbox,
        personal["access_token"],
        reply_to(to_personal, text("hi")),
        PERSONAL_OPEN_ID,
    )
    # A personal account is never granted im.direct_message in the first place (only enterprise accounts
    # hold private-message scopes), so its send is refused for the scope.
    assert code(refused) == 28001012
    assert "im.direct_message" not in personal["scope"].split(",")


async def test_proactive_messages_go_only_to_authorising_customers_three_a_day(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    await douyin_sandbox.freeze_clock(time.time() - 2 * DAY)
    token = enterprise_tokens["access_token"]
    body = {"to_user_id": CUSTOMER_OPEN_ID, "scene": "im_authorize_message", "content": text("新品上市")}

    assert code(await send(douyin_http, douyin_sandbox, token, body)) == 28001007
    await douyin_sandbox.im_authorize(ENTERPRISE_OPEN_ID, CUSTOMER_OPEN_ID)
    listed = await send(douyin_http, douyin_sandbox, token, body | {"content_list": [text("一"), text("二")]})
    third = await send(douyin_http, douyin_sandbox, token, body)
    fourth = await send(douyin_http, douyin_sandbox, token, body)
    await douyin_sandbox.advance_clock(DAY)
    next_day = await send(douyin_http, douyin_sandbox, token, body)

    assert [code(listed), code(third), code(fourth), code(next_day)] == [0, 0, 28003017, 0]


async def test_a_conversation_has_a_send_rate_limit(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    await douyin_sandbox.update_config(im_conversation_max_sends=2, im_conversation_window=60)
    await douyin_sandbox.freeze_clock(time.time() - DAY)
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "有优惠吗")
    token = enterprise_tokens["access_token"]
    body = reply_to(received, text("有的"))

    answers = [await send(douyin_http, douyin_sandbox, token, body) for _ in range(3)]
    await douyin_sandbox.advance_clock(61)
    later = await send(douyin_http, douyin_sandbox, token, body)

    assert [code(a) for a in answers] == [0, 0, 28003018] and code(later) == 0


async def test_the_enter_event_carries_a_json_string_whose_id_anchors_a_greeting(
    douyin_sandbox: RunningSandbox,
    receiver: Receiver,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
) -> None:
    entered = await douyin_sandbox.im_enter(ENTERPRISE_OPEN_ID)
    await douyin_sandbox.deliveries(wait=True)
    [event] = receiver.events("im_enter_direct_msg")
    assert isinstance(event["content"], str)
    content = json.loads(event["content"])
    assert content["conversation_short_id"] == entered["conversation_short_id"]
    assert content["server_message_id"] == entered["server_message_id"]
    assert event["from_user_id"] == CUSTOMER_OPEN_ID and event["to_user_id"] == ENTERPRISE_OPEN_ID

    greeting = {
        "msg_id": content["server_message_id"],
        "conversation_id": content["conversation_short_id"],
        "to_user_id": CUSTOMER_OPEN_ID,
        "scene": "im_enter_direct_msg",
        "content": text("欢迎光临小鹿咖啡"),
    }
    assert code(await send(douyin_http, douyin_sandbox, enterprise_tokens["access_token"], greeting)) == 0


async def test_a_reply_in_the_app_is_echoed_without_a_source(
    douyin_sandbox: RunningSandbox, receiver: Receiver
) -> None:
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "你好")
    conversation = received["content"]["conversation_short_id"]
    await douyin_sandbox.im_app_reply(ENTERPRISE_OPEN_ID, "您好，我是店长", conversation_id=conversation)
    await douyin_sandbox.deliveries(wait=True)
    [echo] = receiver.events("im_send_msg")
    assert echo["from_user_id"] == ENTERPRISE_OPEN_ID and echo["content"]["source"] == ""
    assert echo["content"]["conversation_short_id"] == conversation


async def test_the_admin_listing_shows_both_directions_oldest_first(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    await douyin_sandbox.freeze_clock(time.time() - DAY)
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "怎么预约")
    conversation = received["content"]["conversation_short_id"]
    await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "别的会话", from_open_id=OTHER_CUSTOMER)
    await douyin_sandbox.advance_clock(10)
    card = {"msg_type": 8, "card": {"card_id": "card-1"}}
    sent = await send(
        douyin_http, douyin_sandbox, enterprise_tokens["access_token"], reply_to(received, card)
    )
    await douyin_sandbox.advance_clock(10)
    await douyin_sandbox.im_app_reply(ENTERPRISE_OPEN_ID, "已为您预约", conversation_id=conversation)

    listed = await douyin_sandbox.im_messages(conversation)

    assert [(m["direction"], m["msg_type"], m["scene"], m["source"]) for m in listed] == [
        ("received", 1, None, ""),
        ("sent", 8, "im_replay_msg", CLIENT_KEY),
        ("sent", 1, None, ""),
    ]
    assert (
        listed[0]["text"] == "怎么预约"
        and listed[0]["server_message_id"] == received["content"]["server_message_id"]
    )
    assert listed[1]["card_id"] == "card-1" and listed[1]["server_message_id"] == sent["data"]["msg_id"]
    assert listed[1]["reply_to"] == listed[0]["server_message_id"]
    assert [m["created_at"] - listed[0]["created_at"] for m in listed] == [0, 10, 20]


async def test_a_customer_image_has_no_url_and_its_bytes_come_from_the_resource_api(
    douyin_sandbox: RunningSandbox,
    receiver: Receiver,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
) -> None:
    image = png_bytes(40, 30, "blue")
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, image=image)
    await douyin_sandbox.deliveries(wait=True)
    [event] = receiver.events("im_receive_msg")
    content = event["content"]
    assert content["message_type"] == "image" and (content["resource_width"], content["resource_height"]) == (
        40,
        30,
    )
    assert not any("url" in key for key in content)

    response = await douyin_http.get(
        f"{douyin_sandbox.base_url}/api/im/message/resources/",
        params={
            "open_id": ENTERPRISE_OPEN_ID,
            "conversation_id": content["conversation_short_id"],
            "message_id": received["content"]["server_message_id"],
        },
        headers={"access-token": enterprise_tokens["access_token"]},
    )
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content == image


async def test_a_sent_message_can_be_recalled(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "你好")
    token = enterprise_tokens["access_token"]
    sent = await send(douyin_http, douyin_sandbox, token, reply_to(received, text("发错了")))
    conversation = received["content"]["conversation_short_id"]
    recall = {"conversation_id": conversation, "conversation_type": 1, "msg_id": sent["data"]["msg_id"]}

    response = await douyin_http.post(
        f"{douyin_sandbox.base_url}/im/recall/msg/",
        params={"open_id": ENTERPRISE_OPEN_ID},
        headers={"access-token": token},
        json=recall,
    )
    customer_message = recall | {"msg_id": received["content"]["server_message_id"]}
    refused = await douyin_http.post(
        f"{douyin_sandbox.base_url}/im/recall/msg/",
        params={"open_id": ENTERPRISE_OPEN_ID},
        headers={"access-token": token},
        json=customer_message,
    )

    assert code(response.json()) == 0 and code(refused.json()) == 28001007
    [_, mine] = await douyin_sandbox.im_messages(conversation)
    assert mine["recalled"] is True


async def test_faults_refuse_before_sending_or_lose_the_reply_after_it(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "你好")
    conversation = received["content"]["conversation_short_id"]
    token = enterprise_tokens["access_token"]
    await douyin_sandbox.set_faults(busy_ratio=1.0)
    assert code(await send(douyin_http, douyin_sandbox, token, reply_to(received, text("a")))) == 28001005
    assert len(await douyin_sandbox.im_messages(conversation)) == 1

    await douyin_sandbox.set_faults(busy_ratio=0.0, fail_after_commit_ratio=1.0, fail_after_commit_mode="500")
    response = await douyin_http.post(
        f"{douyin_sandbox.base_url}/im/send/msg/",
        params={"open_id": ENTERPRISE_OPEN_ID},
        headers={"access-token": token},
        json=reply_to(received, text("b")),
    )
    assert response.status_code == 500
    assert [m["text"] for m in await douyin_sandbox.im_messages(conversation)] == ["你好", "b"]


async def test_the_msg_id_can_sit_at_the_top_level_as_the_doc_sample_shows(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
) -> None:
    await douyin_sandbox.update_config(im_msg_id_placement="top")
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "你好")
    answer = await send(
        douyin_http, douyin_sandbox, enterprise_tokens["access_token"], reply_to(received, text("hi"))
    )
    assert answer["msg_id"].startswith("@") and "msg_id" not in answer["data"]
