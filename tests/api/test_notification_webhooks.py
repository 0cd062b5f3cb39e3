"""Group-robot webhooks (seed 16): admins register WeCom, Feishu and DingTalk robots; a burst of notifications
reaches each robot as one message, in its format and signed with its secret (a local receiver checks), and a
target on a private or loopback address is refused where private targets are not allowed."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import TimeSkipper, WorkflowEnvironment

from api.gateway_bff.app import create_app
from douflow.db.notification_tables import NotificationWebhook
from douflow.notify import webhooks
from douflow.settings import Settings
from douflow.temporal import ids
from douflow.testing.servers import running_uvicorn
from tests.support.auth import TestUser, login, user_with_token
from tests.support.polling import eventually
from tests.support.tasks import activities, desk, new_task

pytestmark = pytest.mark.timeout(120)
FEISHU_SECRET = "feishu-secret-123"
DINGTALK_SECRET = "SECdingtalk456"


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A robot stand-in on loopback: records each post (path, query, body) and answers like the robots."""
    received: list[dict[str, Any]] = []
    app = FastAPI()

    @app.post("/{robot}")
    async def robot(robot: str, request: Request) -> dict[str, Any]:
        received.append({"robot": robot, "query": dict(request.query_params), "body": await request.json()})
        return {"code": 0, "msg": "success"} if robot == "feishu" else {"errcode": 0, "errmsg": "ok"}

    async with running_uvicorn(app) as url:
        yield url, received


async def _hook(http: httpx.AsyncClient, admin: TestUser, **body: Any) -> dict[str, Any]:
    answer = await http.post("/api/v1/notification-webhooks", json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def test_a_burst_reaches_each_robot_as_one_signed_message(
    http: httpx.AsyncClient,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bff_url: str,
) -> None:
    where = await desk(sessionmaker, "robots")
    response = await login(http, where.tenant_slug, "ada")
    admin = TestUser(
        where.tenant_slug, where.tenant_id, "ada", where.admin_id, "admin",
        {"Authorization": f"Bearer {response.json()['access_token']}"},
    )  # fmt: skip
    orchestration = activities(temporal_env.client, settings, sessionmaker)
    skipper = TimeSkipper(temporal_env.client)
    async with receiver() as (url, received):
        feishu = await _hook(http, admin, kind="feishu", url=f"{url}/feishu", secret=FEISHU_SECRET)
        dingtalk = await _hook(http, admin, kind="dingtalk", url=f"{url}/dingtalk", secret=DINGTALK_SECRET)
        wecom = await _hook(http, admin, kind="wecom", url=f"{url}/wecom", kinds=["task_assigned"])
        quiet = await _hook(http, admin, kind="wecom", url=f"{url}/quiet", kinds=["task_overdue"])
        for n in range(3):
            await orchestration.create_follow_up_task(new_task(where, reason=f"第{n + 1}位客户待回访"))
        for hook in (feishu, dingtalk, wecom):
            handle = temporal_env.client.get_workflow_handle(ids.notification_digest_workflow_id(hook["id"]))
            await skipper.fast_forward(handle, timedelta(seconds=settings.notify_digest_seconds + 1))
        await eventually(lambda: _count(received), lambda n: n >= 3, within=30)
        listed = (await http.get("/api/v1/notification-webhooks", headers=admin.headers)).json()

    by_robot = {r["robot"]: r for r in received}
    assert sorted(by_robot) == ["dingtalk", "feishu", "wecom"] and len(received) == 3, "one message each"
    fs = by_robot["feishu"]["body"]
    assert fs["msg_type"] == "text" and fs["content"]["text"].count("待回访") == 3
    expected = base64.b64encode(
        hmac.new(f"{fs['timestamp']}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert fs["sign"] == expected
    dt = by_robot["dingtalk"]
    assert dt["body"]["msgtype"] == "markdown" and dt["body"]["markdown"]["text"].count("待回访") == 3
    stamp = dt["query"]["timestamp"]
    digest = hmac.new(
        DINGTALK_SECRET.encode(), f"{stamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
    ).digest()
    assert dt["query"]["sign"] == base64.b64encode(digest).decode()
    wc = by_robot["wecom"]["body"]
    assert wc["msgtype"] == "markdown" and wc["markdown"]["content"].startswith("**DouFlow：3 条新通知**")
    assert "quiet" not in by_robot, "a robot for other kinds gets nothing"
    assert {h["id"]: h["has_secret"] for h in listed}[feishu["id"]] is True
    assert all("secret" not in h for h in listed)
    assert {h["id"]: h["last_posted_at"] is not None for h in listed}[wecom["id"]]
    assert quiet["id"] in {h["id"] for h in listed}
    async with sessionmaker() as session:
        stored = await session.get(NotificationWebhook, feishu["id"])
        assert stored is not None and stored.secret_encrypted and FEISHU_SECRET not in stored.secret_encrypted


async def _count(received: list[dict[str, Any]]) -> int:
    return len(received)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://8.8.8.8/hook", "https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://localhost/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://169.254.169.254/latest", "link-local"),
        ("https://[::1]/hook", "loopback"),
        ("https://user:pw@8.8.8.8/hook", "credentials"),
    ],
)
async def test_targets_must_be_https_on_public_addresses(url: str, why: str) -> None:
    with pytest.raises(webhooks.TargetRefused) as refused:
        await webhooks.check_target(url, allow_private=False)
    assert why in str(refused.value) or (
        why in ("loopback", "link-local") and "private" in str(refused.value)
    )


async def test_a_public_https_target_is_accepted() -> None:
    await webhooks.check_target("https://8.8.8.8/robot/send?access_token=x", allow_private=False)


async def test_the_route_refuses_a_private_target_in_production_mode_and_hides_other_tenants_robots(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    bff_url: str,
    other_tenant_operator: TestUser,
) -> None:
    slug = f"hooks-{uuid.uuid4().hex[:8]}"
    admin = await user_with_token(http, sessionmaker, slug, "ada", "admin")
    agent = await user_with_token(http, sessionmaker, slug, "agnes", "agent")
    stranger = await user_with_token(http, sessionmaker, other_tenant_operator.tenant_slug, "sam", "admin")
    strict = create_app(settings.model_copy(update={"notify_webhook_allow_private": False}))
    async with running_uvicorn(strict) as url, httpx.AsyncClient(base_url=url, timeout=30) as own:
        private = await own.post(
            "/api/v1/notification-webhooks",
            json={"kind": "wecom", "url": "https://127.0.0.1:9/hook"},
            headers=admin.headers,
        )
    bad_kind = await http.post(
        "/api/v1/notification-webhooks",
        json={"kind": "slack", "url": "https://8.8.8.8/x"},
        headers=admin.headers,
    )
    by_agent = await http.post(
        "/api/v1/notification-webhooks",
        json={"kind": "wecom", "url": "https://8.8.8.8/x"},
        headers=agent.headers,
    )
    mine = await _hook(http, admin, kind="wecom", url="https://8.8.8.8/x")
    foreign_list = (await http.get("/api/v1/notification-webhooks", headers=stranger.headers)).json()
    foreign_patch = await http.patch(
        f"/api/v1/notification-webhooks/{mine['id']}", json={"enabled": False}, headers=stranger.headers
    )
    foreign_delete = await http.delete(
        f"/api/v1/notification-webhooks/{mine['id']}", headers=stranger.headers
    )
    own_delete = await http.delete(f"/api/v1/notification-webhooks/{mine['id']}", headers=admin.headers)

    assert private.status_code == 422 and "url" in private.text and "loopback" in private.text
    assert bad_kind.status_code == 422 and "kind" in bad_kind.text
    assert by_agent.status_code == 403
    assert mine["id"] not in [h["id"] for h in foreign_list]
    assert foreign_patch.status_code == 404 and foreign_delete.status_code == 404
    assert own_delete.status_code == 204
