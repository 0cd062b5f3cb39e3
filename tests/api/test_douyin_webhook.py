"""The webhook receiver: signature, handshake, Msg-Id dedup, string content, and `unauthorize` → revoked."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from douflow.accounts import ensure_tenant
from douflow.db.tables import DouyinAccount, WebhookEvent
from douflow.douyin.signature import sign
from douflow.settings import Settings
from douflow.temporal.ids import douyin_event_workflow_id
from douflow.temporal.search import TENANT_ID
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.douyin_accounts import DouyinEventResult
from tests.support import auth
from tests.support.douyin_binding import bind_account
from tests.support.polling import eventually
from tests.support.publishing import release_elsewhere

PATH = "/api/v1/douyin/webhook"
# The session's BFF is configured with the sandbox's app (tests/conftest.py).
CLIENT_KEY = SandboxConfig().client_key
# The platform stamps log ids in Beijing time.
BEIJING = timezone(timedelta(hours=8))
# Nobody else binds or publishes as this user, so revoking it cannot disturb other suites.
CODER = SANDBOX_USERS[3]


def _log_id(sent: datetime | None = None) -> str:
    """A platform log id: the send time in Beijing time, then a unique tail."""
    stamp = (sent or datetime.now(UTC)).astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    return stamp + uuid.uuid4().hex[:20].upper()


def _body(
    event: str,
    content: Any,
    from_user_id: str = "",
    *,
    client_key: str = CLIENT_KEY,
    log_id: str | None = None,
) -> bytes:
    envelope = {
        "event": event,
        "client_key": client_key,
        "from_user_id": from_user_id,
        "to_user_id": "",
        "log_id": _log_id() if log_id is None else log_id,
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


async def _held_by(
    sessionmaker: async_sessionmaker[AsyncSession], open_id: str, *slugs: str, status: str = "ok"
) -> list[str]:
    """Accounts of `open_id` in each tenant (rows only: the webhook routes by the accounts table)."""
    async with sessionmaker() as session:
        tenants = [await ensure_tenant(session, slug) for slug in slugs]
        for tenant in tenants:
            session.add(DouyinAccount(tenant_id=tenant.id, open_id=open_id, bound_by="test", status=status))
        await session.commit()
        return sorted(tenant.id for tenant in tenants)


async def test_signed_event_is_stored_once_and_handed_to_each_tenant_that_held_the_account(
    http: httpx.AsyncClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    # No tenant holds the account any more (one tenant at a time can): each that held it hears of it.
    open_id = str(uuid.uuid4())
    tenants = await _held_by(sessionmaker, open_id, "webhook-one", "webhook-two", status="revoked")
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

    async def listed() -> list[object]:
        return [run async for run in temporal_env.client.list_workflows(ids)]

    # The server's visibility list catches up with finished runs a moment later under load.
    runs = await eventually(listed, lambda found: len(found) >= len(tenants))
    assert len(runs) == len(tenants), "one run per tenant; a replayed Msg-Id starts nothing new"


async def test_an_event_goes_only_to_the_tenant_that_holds_the_account(
    http: httpx.AsyncClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    open_id = str(uuid.uuid4())
    [earlier] = await _held_by(sessionmaker, open_id, "webhook-earlier", status="unbound")
    [holder] = await _held_by(sessionmaker, open_id, "webhook-holder")
    msg_id = uuid.uuid4().hex
    body = _body("new_video_digg", json.dumps({"action_type": 1, "item_id": "@abc"}), open_id)
    assert (await _post(http, settings, body, msg_id)).json()["status"] == "accepted"

    handle = temporal_env.client.get_workflow_handle(douyin_event_workflow_id(holder, msg_id))
    await handle.result()
    [row] = await _inbox(sessionmaker, msg_id)
    assert row.tenant_id == holder
    assert await _no_run(temporal_env, douyin_event_workflow_id(earlier, msg_id))


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
    console = _body("verify_webhook", {"challenge": 12345}, client_key="")
    direct = await _post(http, settings, console, None)
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
    await release_elsewhere(sessionmaker, operator.tenant_id, CODER.open_id)
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


async def _bound_rows(sessionmaker: async_sessionmaker[AsyncSession], open_id: str, slug: str) -> str:
    """An account row of `open_id` holding tokens, as a binding leaves it; returns its id."""
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, slug)
        account = DouyinAccount(
            tenant_id=tenant.id,
            open_id=open_id,
            bound_by="test",
            access_token_enc="act",
            refresh_token_enc="rft",
        )
        session.add(account)
        await session.commit()
        return account.id


async def _rebind(sessionmaker: async_sessionmaker[AsyncSession], account_id: str) -> None:
    async with sessionmaker() as session:
        account = await session.get(DouyinAccount, account_id)
        assert account is not None
        account.status, account.status_reason = "ok", None
        account.access_token_enc, account.refresh_token_enc = "act-2", "rft-2"
        await session.commit()


async def _no_run(temporal_env: WorkflowEnvironment, workflow_id: str) -> bool:
    try:
        await temporal_env.client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        return exc.status == RPCStatusCode.NOT_FOUND
    return False


async def test_an_unauthorize_replayed_under_a_new_msg_id_does_not_revoke_a_new_binding(
    http: httpx.AsyncClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    open_id = str(uuid.uuid4())
    account_id = await _bound_rows(sessionmaker, open_id, "webhook-replay")
    body = _body("unauthorize", {"scopes": ["user_info"]}, open_id)
    first_msg, replay_msg = uuid.uuid4().hex, uuid.uuid4().hex
    first = await _post(http, settings, body, first_msg)
    assert first.status_code == 200 and first.json()["status"] == "accepted", first.text
    async with sessionmaker() as session:
        tenant_id = (await ensure_tenant(session, "webhook-replay")).id
    handled = temporal_env.client.get_workflow_handle(
        douyin_event_workflow_id(tenant_id, first_msg), result_type=DouyinEventResult
    )
    assert (await handled.result()).account_ids == [account_id]
    await _rebind(sessionmaker, account_id)

    replay = await _post(http, settings, body, replay_msg)

    assert replay.status_code == 200 and replay.json()["status"] == "duplicate", replay.text
    assert await _no_run(temporal_env, douyin_event_workflow_id(tenant_id, replay_msg))
    assert await _inbox(sessionmaker, replay_msg) == []
    async with sessionmaker() as session:
        account = await session.get(DouyinAccount, account_id)
    assert account is not None and (account.status, account.access_token_enc) == ("ok", "act-2")


async def test_concurrent_replays_of_one_body_store_and_start_it_once(
    http: httpx.AsyncClient, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    body = _body("new_video_digg", {"item_id": "@race", "action_type": 1}, str(uuid.uuid4()))
    msg_ids = [uuid.uuid4().hex for _ in range(4)]

    answers = await asyncio.gather(*(_post(http, settings, body, msg_id) for msg_id in msg_ids))

    assert sorted(a.json()["status"] for a in answers) == ["accepted", "duplicate", "duplicate", "duplicate"]
    stored = [row for msg_id in msg_ids for row in await _inbox(sessionmaker, msg_id)]
    assert len(stored) == 1


async def test_an_event_for_another_app_is_refused_and_starts_nothing(
    http: httpx.AsyncClient, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    msg_id = uuid.uuid4().hex
    body = _body("unauthorize", {"scopes": ["user_info"]}, str(uuid.uuid4()), client_key="another-app")
    response = await _post(http, settings, body, msg_id)

    assert response.status_code == 403 and response.json()["code"] == "client_key_mismatch"
    assert await _inbox(sessionmaker, msg_id) == []


@pytest.mark.parametrize(
    ("log_id", "content"),
    [
        ("202008121419360101980821035705926A", {"scopes": ["user_info"]}),
        ("", {"action_type": 1, "action_time": 1597213176, "item_id": "@old"}),
        ("not-a-log-id", {"create_time": 1597213176393, "text": "hi"}),
    ],
)
async def test_an_event_older_than_the_retry_window_is_acknowledged_and_dropped(
    http: httpx.AsyncClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
    log_id: str,
    content: dict[str, Any],
) -> None:
    open_id = str(uuid.uuid4())
    account_id = await _bound_rows(sessionmaker, open_id, "webhook-stale")
    msg_id = uuid.uuid4().hex
    body = _body("unauthorize", content, open_id, log_id=log_id)

    response = await _post(http, settings, body, msg_id)

    assert response.status_code == 200 and response.json()["status"] == "stale", response.text
    assert await _inbox(sessionmaker, msg_id) == []
    async with sessionmaker() as session:
        account = await session.get(DouyinAccount, account_id)
        tenant_id = (await ensure_tenant(session, "webhook-stale")).id
    assert account is not None and account.status == "ok"
    assert await _no_run(temporal_env, douyin_event_workflow_id(tenant_id, msg_id))


async def _in_chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_a_body_over_the_limit_is_refused_before_its_signature_is_computed(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    body = _body("im_receive_msg", {"text": "x" * settings.douyin_webhook_max_body_bytes})
    headers = {"Content-Type": "application/json", "X-Douyin-Signature": "0" * 40, "Msg-Id": uuid.uuid4().hex}

    declared = await http.post(PATH, content=body, headers=headers)
    chunked = await http.post(PATH, content=_in_chunks(body), headers=headers)

    for response in (declared, chunked):
        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload_too_large"
