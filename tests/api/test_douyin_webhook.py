"""The webhook receiver: signature, handshake, Msg-Id dedup, string content, and `unauthorize` → revoked."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from douflow.accounts import ensure_tenant
from douflow.db.tables import DouyinAccount, WebhookEvent
from douflow.douyin.signature import sign
from douflow.settings import Settings
from douflow.temporal.ids import douyin_event_workflow_id
from douflow.temporal.search import TENANT_ID
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.douyin_accounts import DouyinEventResult
from tests.support import auth
from tests.support.douyin_binding import bind_account
from tests.support.polling import eventually

PATH = "/api/v1/douyin/webhook"
# Nobody else binds or publishes as this user, so revoking it cannot disturb other suites.
CODER = SANDBOX_USERS[3]


def _body(event: str, content: Any, from_user_id: str = "") -> bytes:
    envelope = {
        "event": event,
        "client_key": "k",
        "from_user_id": from_user_id,
        "to_user_id": "",
        "content": content,
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


async def _post(
    http: httpx.AsyncClient, settings: Settings, body: bytes, msg_id: str | None, signature: str | None = None
) -> httpx.Response:
    secret = settings.douyin_client_secret.get_secret_value()
    headers = {"Content-Type": "application/json", "X-Douyin-Signature": signature or sign(secret, body)}
    if msg_id:
        headers["Msg-Id"] = msg_id
    return await http.post(PATH, content=body, headers=headers)


async def _inbox(sessionmaker: async_sessionmaker[AsyncSession], msg_id: str) -> list[WebhookEvent]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(WebhookEvent).where(WebhookEvent.msg_id == msg_id))).all())


async def _held_by(sessionmaker: async_sessionmaker[AsyncSession], open_id: str, *slugs: str) -> list[str]:
    """Accounts of `open_id` in each tenant (rows only: the webhook routes by the accounts table)."""
    async with sessionmaker() as session:
        tenants = [await ensure_tenant(session, slug) for slug in slugs]
        for tenant in tenants:
            session.add(DouyinAccount(tenant_id=tenant.id, open_id=open_id, bound_by="test"))
        await session.commit()
        return sorted(tenant.id for tenant in tenants)


async def test_signed_event_is_stored_once_and_handed_to_each_tenant_that_holds_the_account(
    http: httpx.AsyncClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    open_id = str(uuid.uuid4())
    tenants = await _held_by(sessionmaker, open_id, "webhook-one", "webhook-two")
    msg_id = uuid.uuid4().hex
    body = _body("new_video_digg", json.dumps({"action_type": 1, "item_id": "@abc"}), open_id)
    first = await _post(http, settings, body, msg_id)
    replay = await _post(http, settings, body, msg_id)

    assert first.status_code == 200 and first.json()["status"] == "accepted"
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    rows = await _inbox(sessionmaker, msg_id)
    assert len(rows) == 1
    assert rows[0].payload["content"] == {"action_type": 1, "item_id": "@abc"}, "string content is decoded"
    for tenant_id in tenants:
        workflow_id = douyin_event_workflow_id(tenant_id, msg_id)
        handle = temporal_env.client.get_workflow_handle(workflow_id, result_type=DouyinEventResult)
        result = await handle.result()
        assert (result.event, result.handled) == ("new_video_digg", False)
        description = await handle.describe()
        assert description.typed_search_attributes.get(TENANT_ID) == tenant_id, "every run carries its tenant"
    ids = " OR ".join(f"WorkflowId = '{douyin_event_workflow_id(t, msg_id)}'" for t in tenants)
    runs = [run async for run in temporal_env.client.list_workflows(ids)]
    assert len(runs) == len(tenants), "one run per tenant; a replayed Msg-Id starts nothing new"


async def test_an_event_for_an_account_no_tenant_holds_is_kept_and_starts_nothing(
    http: httpx.AsyncClient, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    msg_id = uuid.uuid4().hex
    response = await _post(
        http, settings, _body("new_video_digg", {"item_id": "@x"}, str(uuid.uuid4())), msg_id
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    rows = await _inbox(sessionmaker, msg_id)
    assert len(rows) == 1 and rows[0].tenant_id is None and rows[0].workflow_id == ""


async def test_forged_or_missing_signature_is_rejected(
    http: httpx.AsyncClient, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    msg_id = uuid.uuid4().hex
    body = _body("unauthorize", {"scopes": ["user_info"]}, CODER.open_id)
    forged = await _post(http, settings, body, msg_id, signature=sign("not-the-secret", body))
    tampered = await _post(
        http, settings, body.replace(b"unauthorize", b"authorize"), msg_id, signature=sign("x", b"")
    )
    missing = await http.post(PATH, content=body, headers={"Msg-Id": msg_id})

    assert forged.status_code == 403 and tampered.status_code == 403
    assert missing.status_code == 401
    assert await _inbox(sessionmaker, msg_id) == []


async def test_signature_covers_the_exact_bytes(http: httpx.AsyncClient, settings: Settings) -> None:
    body = _body("create_video", {"item_id": "@x", "share_id": "1"})
    signature = sign(settings.douyin_client_secret.get_secret_value(), body)
    reformatted = json.dumps(json.loads(body), indent=2).encode()
    response = await _post(http, settings, reformatted, uuid.uuid4().hex, signature=signature)
    assert response.status_code == 403


async def test_handshake_is_answered(
    http: httpx.AsyncClient, settings: Settings, sandbox: RunningSandbox, bff_url: str
) -> None:
    direct = await _post(http, settings, _body("verify_webhook", {"challenge": 12345}), None)
    assert direct.status_code == 200 and direct.json() == {"challenge": 12345}

    results = await sandbox.admin("POST", "webhooks/verify", {"target": f"{bff_url}{PATH}"})
    assert results[0]["verified"] is True, results


async def test_unauthorize_from_douyin_revokes_the_account(
    http: httpx.AsyncClient,
    operator: auth.TestUser,
    sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    bound = await bind_account(http, operator.headers, CODER.open_id)
    assert bound.status_code == 200, bound.text
    listing = (await http.get("/api/v1/douyin/accounts", headers=operator.headers)).json()
    account = next(a for a in listing if a["open_id"] == CODER.open_id)

    await sandbox.admin("POST", "unauthorize", {"open_id": CODER.open_id})

    async def revoked() -> dict[str, Any] | None:
        view = (await http.get(f"/api/v1/douyin/accounts/{account['id']}", headers=operator.headers)).json()
        return view if view["health"] == "revoked" else None

    view = await eventually(revoked)
    assert view["status_reason"] == "authorisation withdrawn in Douyin"
    async with sessionmaker() as session:
        row = await session.get(DouyinAccount, account["id"])
        unauthorize_events = await session.scalar(
            select(func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.event == "unauthorize", WebhookEvent.from_user_id == CODER.open_id)
        )
    assert row is not None and row.access_token_enc is None and row.refresh_token_enc is None
    assert unauthorize_events == 1, "the sandbox's retries of one delivery are one event"

    handle = temporal_env.client.get_workflow_handle(account["token_workflow_id"])

    async def token_workflow_ended() -> bool:
        return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(token_workflow_ended)
