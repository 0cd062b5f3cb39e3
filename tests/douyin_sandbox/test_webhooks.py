"""Webhooks from the sandbox to a tiny receiver: signatures, envelopes, handshake, retries."""

from __future__ import annotations

import json
from typing import Any

import httpx

from activities.douyin.client import DouyinClient
from douflow.douyin.signature import sign, verify
from douyin_sandbox.testing import CUSTOMER_OPEN_ID, ENTERPRISE_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import Receiver, consent
from tests.support.polling import eventually

SECRET = "douflow-dev-secret"


async def test_authorize_event_is_signed(
    douyin_sandbox: RunningSandbox, receiver: Receiver, douyin_http: httpx.AsyncClient
):
    await consent(
        douyin_http, douyin_sandbox.base_url, ENTERPRISE_OPEN_ID, ["user_info", "video.create.bind"]
    )
    await douyin_sandbox.deliveries(wait=True)
    [(headers, body)] = receiver.received
    assert headers["content-type"] == "application/json"
    assert headers["msg-id"]
    assert verify(SECRET, body, headers["x-douyin-signature"])
    assert verify(SECRET, body, headers["x-douyin-signature"].upper())
    assert not verify(SECRET, body + b" ", headers["x-douyin-signature"])
    assert not verify("another-secret", body, headers["x-douyin-signature"])
    assert not verify(SECRET, body, sign(SECRET, b"forged"))
    assert not verify(SECRET, body, None)
    event = json.loads(body)
    assert set(event) == {"event", "client_key", "from_user_id", "to_user_id", "log_id", "content"}
    assert event["event"] == "authorize" and event["from_user_id"] == ENTERPRISE_OPEN_ID
    assert event["client_key"] == "douflow-dev-key"
    assert "video.create.bind" in event["content"]["scopes"]


async def test_private_message_event(douyin_sandbox: RunningSandbox, receiver: Receiver):
    await douyin_sandbox.admin(
        "POST", "im/receive", {"to_open_id": ENTERPRISE_OPEN_ID, "text": "请问几点开门？"}
    )
    await douyin_sandbox.deliveries(wait=True)
    [event] = receiver.events("im_receive_msg")
    assert event["from_user_id"] == CUSTOMER_OPEN_ID and event["to_user_id"] == ENTERPRISE_OPEN_ID
    content = event["content"]
    assert content["message_type"] == "text" and content["text"] == "请问几点开门？"
    assert content["conversation_short_id"].startswith("@") and content["server_message_id"].startswith("@")
    assert content["create_time"] > 1_600_000_000_000  # milliseconds
    assert content["user_infos"][0]["open_id"] == CUSTOMER_OPEN_ID


async def test_unauthorize_event(douyin_sandbox: RunningSandbox, receiver: Receiver):
    await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID, scopes=["user_info"])
    await douyin_sandbox.admin("POST", "unauthorize", {"open_id": ENTERPRISE_OPEN_ID})
    await douyin_sandbox.deliveries(wait=True)
    assert [e["content"]["scopes"] for e in receiver.events("unauthorize")] == [["user_info"]]


async def test_verify_webhook_handshake(douyin_sandbox: RunningSandbox, receiver: Receiver):
    [ok] = await douyin_sandbox.admin("POST", "webhooks/verify", {})
    assert ok["verified"] is True and ok["echoed"] == ok["challenge"]
    [(_, body)] = receiver.received
    assert json.loads(body) == {
        "event": "verify_webhook",
        "client_key": "",
        "content": {"challenge": ok["challenge"]},
    }
    [bad] = await douyin_sandbox.admin("POST", "webhooks/verify", {"target": f"{receiver.base_url}/silent"})
    assert bad["verified"] is False
    [down] = await douyin_sandbox.admin("POST", "webhooks/verify", {"target": "http://127.0.0.1:9/nothing"})
    assert down["verified"] is False and down["error"]


async def test_failed_deliveries_are_retried_with_the_same_msg_id(
    douyin_sandbox: RunningSandbox, receiver: Receiver
):
    receiver.failures_left = 2
    await douyin_sandbox.admin("POST", "im/receive", {"to_open_id": ENTERPRISE_OPEN_ID, "text": "在吗"})
    [delivery] = await douyin_sandbox.deliveries(wait=True)
    assert delivery["delivered"] and delivery["attempts"] == 3
    assert len({headers["msg-id"] for headers, _ in receiver.received}) == 1
    assert len(receiver.received) == 3


async def test_delivery_gives_up_after_three_retries(douyin_sandbox: RunningSandbox, receiver: Receiver):
    receiver.failures_left = 10
    await douyin_sandbox.admin("POST", "im/receive", {"to_open_id": ENTERPRISE_OPEN_ID, "text": "在吗"})
    [delivery] = await douyin_sandbox.deliveries(wait=True)
    assert not delivery["delivered"] and delivery["attempts"] == 4 and delivery["error"] == "HTTP 503"


async def test_platform_mock_event_endpoint(
    douyin_sandbox: RunningSandbox,
    receiver: Receiver,
    douyin_client: DouyinClient,
    douyin_http: httpx.AsyncClient,
):
    url = f"{douyin_sandbox.base_url}/sandbox/webhook/event/send/"
    denied = await douyin_http.post(
        url, json={"event_type": "im_receive_msg"}, headers={"access-token": "clt.x"}
    )
    assert denied.json()["data"]["error_code"] == 28001003
    token = (await douyin_client.client_token()).access_token
    sent = await douyin_http.post(url, json={"event_type": "new_video_digg"}, headers={"access-token": token})
    assert sent.json()["data"]["error_code"] == 0

    async def digg_event() -> list[dict[str, Any]]:
        return receiver.events("new_video_digg")

    [event] = await eventually(digg_event)
    assert isinstance(event["content"], str)  # this event's content arrives JSON-encoded
    assert json.loads(event["content"])["action_type"] == 1


async def test_webhook_times_are_the_sandbox_clocks(douyin_sandbox: RunningSandbox, receiver: Receiver):
    frozen_at = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    await douyin_sandbox.freeze_clock(frozen_at)
    await douyin_sandbox.admin("POST", "im/receive", {"to_open_id": ENTERPRISE_OPEN_ID, "text": "在吗"})
    [delivery] = await douyin_sandbox.deliveries(wait=True)
    [event] = receiver.events("im_receive_msg")

    assert event["content"]["create_time"] == int(frozen_at * 1000)
    assert event["log_id"].startswith("20260101080000"), "log ids carry Beijing time, as the platform's"
    assert delivery["finished_at"] == frozen_at
