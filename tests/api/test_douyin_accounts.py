"""Binding Douyin accounts through the BFF and the sandbox's consent page; listing, unbinding, isolation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.content.activities import ContentActivities
from douflow.content.accounts import account_health
from douflow.db.base import utcnow
from douflow.db.tables import AuditEvent, DouyinAccount
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings
from douflow.temporal.search import DOUYIN_ACCOUNT_ID
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.douyin_accounts import AccountToSave, ExchangedTokens
from tests.support import auth
from tests.support.douyin_binding import (
    authorize_in_sandbox,
    bff_path,
    bind_account,
    browser,
    open_bind_link,
    start_binding,
)
from tests.support.polling import eventually
from tests.support.publishing import release_elsewhere

# Users other suites do not publish with, so their grants can change freely here.
TRAVEL = SANDBOX_USERS[2]
# The personal (non-enterprise) account: it cannot grant private messages.
KITCHEN = SANDBOX_USERS[1]
CUSTOMER_SCOPES = ["im.direct_message", "item.comment", "user.intention"]


@pytest.fixture(autouse=True)
async def _held_by_operator(operator: auth.TestUser, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Other suites bind these users in their own tenants; one tenant at a time holds an account."""
    for user in (TRAVEL, KITCHEN):
        await release_elsewhere(sessionmaker, operator.tenant_id, user.open_id)


async def _accounts(http: httpx.AsyncClient, user: auth.TestUser, **params: Any) -> list[dict[str, Any]]:
    response = await http.get("/api/v1/douyin/accounts", headers=user.headers, params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


async def _bound(http: httpx.AsyncClient, user: auth.TestUser, open_id: str) -> dict[str, Any]:
    response = await bind_account(http, user.headers, open_id)
    assert response.status_code == 200, response.text
    assert "绑定成功" in response.text
    return next(a for a in await _accounts(http, user) if a["open_id"] == open_id)


async def _row(sessionmaker: async_sessionmaker[AsyncSession], account_id: str) -> DouyinAccount:
    async with sessionmaker() as session:
        row = await session.get(DouyinAccount, account_id)
    assert row is not None
    return row


def _assert_no_tokens(text: str) -> None:
    for marker in ("act.", "rft.", '"access_token"', '"refresh_token"', "_enc"):
        assert marker not in text, f"{marker} leaked"


async def test_binding_flow_end_to_end(
    http: httpx.AsyncClient,
    operator: auth.TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> None:
    account = await _bound(http, operator, TRAVEL.open_id)

    assert account["nickname"] == TRAVEL.nickname
    assert {"user_info", "video.create.bind"} <= set(account["scopes"])
    assert account["health"] == "ok" and account["renewals_left"] == 5
    listing = await http.get("/api/v1/douyin/accounts", headers=operator.headers)
    one = await http.get(f"/api/v1/douyin/accounts/{account['id']}", headers=operator.headers)
    for response in (listing, one):
        _assert_no_tokens(response.text)

    row = await _row(sessionmaker, account["id"])
    assert row.access_token_enc and row.refresh_token_enc
    assert not row.access_token_enc.startswith("act.") and not row.refresh_token_enc.startswith("rft.")
    box = SecretBox(settings.encryption_key.get_secret_value())
    assert box.decrypt(row.access_token_enc).startswith("act.")

    handle = temporal_env.client.get_workflow_handle(account["token_workflow_id"])
    described = await handle.describe()
    assert described.status == WorkflowExecutionStatus.RUNNING
    assert described.typed_search_attributes.get(DOUYIN_ACCOUNT_ID) == account["id"]


async def test_optional_scopes_are_asked_for_and_an_enterprise_account_is_ready_for_customers(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    async with browser(http) as person:
        page = await open_bind_link(person, await start_binding(http, operator.headers))
    optional = parse_qs(urlsplit(str(page.url)).query)["optionalScope"]
    assert optional == ["im.direct_message,1,item.comment,1,user.intention,1"]

    account = await _bound(http, operator, TRAVEL.open_id)
    assert set(CUSTOMER_SCOPES) <= set(account["scopes"])
    assert account["customer_service"] == {"ready": True, "missing_scopes": [], "reason": None}


async def test_a_personal_account_binds_without_private_messages(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    account = await _bound(http, operator, KITCHEN.open_id)

    assert "im.direct_message" not in account["scopes"]
    assert {"item.comment", "user.intention", "video.create.bind"} <= set(account["scopes"])
    service = account["customer_service"]
    assert service["ready"] is False and service["missing_scopes"] == ["im.direct_message"]
    assert "enterprise" in service["reason"]


async def test_declined_scopes_are_missing_until_a_rebind_grants_them_on_the_same_account(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    declined = await bind_account(http, operator.headers, TRAVEL.open_id, untick=CUSTOMER_SCOPES)
    assert declined.status_code == 200, declined.text
    first = next(a for a in await _accounts(http, operator) if a["open_id"] == TRAVEL.open_id)
    assert first["customer_service"]["ready"] is False
    assert first["customer_service"]["missing_scopes"] == CUSTOMER_SCOPES

    again = await _bound(http, operator, TRAVEL.open_id)
    assert again["id"] == first["id"]
    assert set(CUSTOMER_SCOPES) <= set(again["scopes"])
    one = await http.get(f"/api/v1/douyin/accounts/{again['id']}", headers=operator.headers)
    assert one.json()["customer_service"]["ready"] is True


async def test_an_account_held_by_another_tenant_is_refused_and_left_as_it_was(
    http: httpx.AsyncClient,
    operator: auth.TestUser,
    other_tenant_operator: auth.TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await _bound(http, operator, TRAVEL.open_id)
    before = await _row(sessionmaker, account["id"])

    refused = await bind_account(http, other_tenant_operator.headers, TRAVEL.open_id)

    assert refused.status_code == 409, refused.text
    assert 'data-code="account_bound_elsewhere"' in refused.text
    after = await _row(sessionmaker, account["id"])
    for field in ("status", "scopes", "access_token_enc", "refresh_token_enc", "bound_at", "bound_by"):
        assert getattr(after, field) == getattr(before, field), field
    async with sessionmaker() as session:
        theirs = await session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.tenant_id == other_tenant_operator.tenant_id,
                DouyinAccount.open_id == TRAVEL.open_id,
                DouyinAccount.access_token_enc.is_not(None),
            )
        )
    assert theirs is None, "the refused binding's tokens are not stored"


async def test_an_account_unbound_in_one_tenant_can_be_bound_by_another(
    http: httpx.AsyncClient, operator: auth.TestUser, other_tenant_operator: auth.TestUser
) -> None:
    account = await _bound(http, operator, TRAVEL.open_id)
    unbound = await http.delete(f"/api/v1/douyin/accounts/{account['id']}", headers=operator.headers)
    assert unbound.status_code == 200, unbound.text

    theirs = await _bound(http, other_tenant_operator, TRAVEL.open_id)
    assert theirs["health"] == "ok" and theirs["id"] != account["id"]


async def test_forged_state_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/douyin/oauth/callback", params={"code": "x", "state": "forged-state"})
    assert response.status_code == 400
    assert "not issued by DouFlow" in response.text


async def test_a_state_works_once(http: httpx.AsyncClient, operator: auth.TestUser) -> None:
    async with browser(http) as person:
        location = await authorize_in_sandbox(
            person, await start_binding(http, operator.headers), TRAVEL.open_id
        )
        first = await person.get(bff_path(location))
        assert first.status_code == 200, first.text
        again = await person.get(bff_path(location))
    assert again.status_code == 400
    assert "already used" in again.text


async def test_an_invalid_code_fails_the_binding_clearly(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    async with browser(http) as person:
        location = await authorize_in_sandbox(
            person, await start_binding(http, operator.headers), TRAVEL.open_id
        )
        state = dict(part.split("=", 1) for part in location.split("?", 1)[1].split("&"))["state"]
        response = await person.get(
            "/api/v1/douyin/oauth/callback", params={"code": "spent-code", "state": state}
        )
    assert response.status_code == 502
    assert "绑定失败" in response.text


async def test_a_binding_finishes_only_in_the_browser_that_opened_the_bind_link(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    # The operator's browser opens the link; the consent (and its redirect) then reaches another browser.
    async with browser(http) as operators_browser, browser(http) as someone_elses:
        location = await authorize_in_sandbox(
            operators_browser, await start_binding(http, operator.headers), TRAVEL.open_id
        )
        elsewhere = await someone_elses.get(bff_path(location))
        assert elsewhere.status_code == 400, elsewhere.text
        assert "opened in another browser" in elsewhere.text
        assert (await http.get(bff_path(location))).status_code == 400, "no cookie at all"

        finished = await operators_browser.get(bff_path(location))
    assert finished.status_code == 200, finished.text
    assert "绑定成功" in finished.text
    cleared = finished.headers["set-cookie"]
    assert "douflow_bind_" in cleared and "Max-Age=0" in cleared


async def test_a_bind_link_opens_in_one_browser_only(
    http: httpx.AsyncClient, operator: auth.TestUser
) -> None:
    link = await start_binding(http, operator.headers)
    assert urlsplit(link).path == "/api/v1/douyin/oauth/start", "the link passes through the BFF first"
    async with browser(http) as first, browser(http) as second:
        opened = await first.get(bff_path(link))
        assert opened.status_code == 303, opened.text
        assert "/platform/oauth/connect/" in opened.headers["location"]
        cookie = opened.headers["set-cookie"].lower()
        for attribute in ("httponly", "samesite=lax", "max-age=600", "path=/api/v1/douyin/oauth/callback"):
            assert attribute in cookie, attribute

        refused = await open_bind_link(second, link)
    assert refused.status_code == 400
    assert "already opened in a browser" in refused.text


@pytest.mark.parametrize("state", ["", "forged-state", "x" * 101])
async def test_odd_bind_links_are_refused(http: httpx.AsyncClient, state: str) -> None:
    response = await http.get("/api/v1/douyin/oauth/start", params={"state": state})
    assert response.status_code in (400, 422), response.text
    assert "set-cookie" not in response.headers


async def test_rebind_keeps_the_account_and_never_wipes_the_refresh_token(
    http: httpx.AsyncClient, operator: auth.TestUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await _bound(http, operator, TRAVEL.open_id)
    second = await _bound(http, operator, TRAVEL.open_id)
    assert second["id"] == first["id"]
    assert [a["open_id"] for a in await _accounts(http, operator)].count(TRAVEL.open_id) == 1

    stored = await _row(sessionmaker, first["id"])
    # A binding whose token answer carried no refresh token must not erase the stored one.
    tokens = ExchangedTokens(
        open_id=TRAVEL.open_id,
        scopes=stored.scopes,
        access_token_enc=stored.access_token_enc or "",
        refresh_token_enc="",
        access_expires_at=stored.access_expires_at or stored.bound_at,
    )
    await ContentActivities(sessionmaker).save_douyin_account(
        AccountToSave(tenant_id=operator.tenant_id, user_id=operator.user_id, tokens=tokens, workflow_id="t")
    )
    after = await _row(sessionmaker, first["id"])
    assert after.refresh_token_enc == stored.refresh_token_enc
    assert after.refresh_expires_at == stored.refresh_expires_at


async def test_unbind_wipes_tokens_keeps_history_and_stops_the_token_workflow(
    http: httpx.AsyncClient,
    operator: auth.TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    account = await _bound(http, operator, TRAVEL.open_id)
    schedule = temporal_env.client.get_schedule_handle(f"metrics-{account['id']}")
    described = await schedule.describe()
    assert described.id == f"metrics-{account['id']}", "binding starts metrics syncs"
    assert described.schedule.state.paused, "created paused, as the test settings ask"
    response = await http.delete(f"/api/v1/douyin/accounts/{account['id']}", headers=operator.headers)
    assert response.status_code == 200, response.text
    assert response.json()["health"] == "unbound"
    with pytest.raises(RPCError):
        await schedule.describe()
    _assert_no_tokens(response.text)

    row = await _row(sessionmaker, account["id"])
    assert (row.status, row.access_token_enc, row.refresh_token_enc) == ("unbound", None, None)
    assert account["id"] not in [a["id"] for a in await _accounts(http, operator)]
    assert account["id"] in [a["id"] for a in await _accounts(http, operator, include_unbound=True)]

    handle = temporal_env.client.get_workflow_handle(account["token_workflow_id"])

    async def stopped() -> bool:
        return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(stopped)

    rebound = await _bound(http, operator, TRAVEL.open_id)
    assert rebound["id"] == account["id"] and rebound["health"] == "ok"
    async with sessionmaker() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_id == account["id"])
                .order_by(AuditEvent.created_at)
            )
        ).all()
    assert "douyin_account.unbound" in actions and actions[-1] == "douyin_account.rebound"


async def test_tenants_cannot_see_or_unbind_each_others_accounts(
    http: httpx.AsyncClient, operator: auth.TestUser, other_tenant_operator: auth.TestUser
) -> None:
    account = await _bound(http, operator, TRAVEL.open_id)
    path = f"/api/v1/douyin/accounts/{account['id']}"

    assert account["id"] not in [a["id"] for a in await _accounts(http, other_tenant_operator)]
    assert (await http.get(path, headers=other_tenant_operator.headers)).status_code == 404
    assert (await http.delete(path, headers=other_tenant_operator.headers)).status_code == 404
    assert (await http.get(path, headers=operator.headers)).json()["health"] == "ok"


@pytest.mark.parametrize("method", ["bind", "unbind"])
async def test_viewers_cannot_bind_or_unbind(
    http: httpx.AsyncClient, viewer: auth.TestUser, method: str
) -> None:
    if method == "bind":
        response = await http.post("/api/v1/douyin/accounts/bind", headers=viewer.headers)
    else:
        response = await http.delete("/api/v1/douyin/accounts/any", headers=viewer.headers)
    assert response.status_code == 403
    assert (await http.get("/api/v1/douyin/accounts", headers=viewer.headers)).status_code == 200


async def test_binding_needs_a_login(http: httpx.AsyncClient, sandbox: RunningSandbox) -> None:
    assert (await http.post("/api/v1/douyin/accounts/bind")).status_code == 401


@pytest.mark.parametrize(
    ("status", "access_in", "refresh_in", "renewals_left", "health"),
    [
        ("ok", timedelta(days=10), timedelta(days=25), 5, "ok"),
        ("ok", timedelta(days=10), timedelta(days=3), 2, "ok"),  # renewable: the token workflow renews
        ("ok", timedelta(days=10), timedelta(days=3), 0, "expiring"),  # no renewal left
        ("ok", timedelta(minutes=20), timedelta(minutes=10), 3, "expiring"),  # cannot be refreshed in time
        ("needs_reconnect", timedelta(days=10), timedelta(days=25), 5, "needs_reconnect"),
        ("revoked", timedelta(days=10), timedelta(days=25), 5, "revoked"),
    ],
)
def test_health(
    status: str, access_in: timedelta, refresh_in: timedelta, renewals_left: int, health: str
) -> None:
    now = utcnow()
    account = DouyinAccount(
        status=status,
        access_expires_at=now + access_in,
        refresh_expires_at=now + refresh_in,
        renewals_left=renewals_left,
    )
    assert account_health(account, now) == health


async def test_a_binding_comes_back_to_the_console_with_its_outcome(
    http: httpx.AsyncClient, operator: auth.TestUser, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With DOUYIN_BIND_RETURN_URL set, success and failure both return there: a failure by a fixed code."""
    monkeypatch.setattr(settings, "douyin_bind_return_url", "http://console.test/accounts")
    async with browser(http) as person:
        location = await authorize_in_sandbox(
            person, await start_binding(http, operator.headers), TRAVEL.open_id
        )
        bound = await person.get(bff_path(location))
        assert bound.status_code == 303, bound.text
        back = urlsplit(bound.headers["location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == "http://console.test/accounts"
        account = next(a for a in await _accounts(http, operator) if a["open_id"] == TRAVEL.open_id)
        assert parse_qs(back.query) == {"account_id": [account["id"]], "status": ["bound"]}

        again = await person.get(bff_path(location))
    assert again.status_code == 303, again.text
    assert parse_qs(urlsplit(again.headers["location"]).query) == {
        "status": ["failed"],
        "code": ["link_used"],
    }
    unknown = await http.get(
        "/api/v1/douyin/oauth/callback", params={"code": "c", "state": "nobody-issued-this"}
    )
    assert parse_qs(urlsplit(unknown.headers["location"]).query) == {
        "status": ["failed"],
        "code": ["unknown_state"],
    }
