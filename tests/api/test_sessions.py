"""Login sessions: logout, password change, admins disabling and demoting users, the token's audience.

Each test works in a tenant of its own, so ending sessions here never touches the shared personas.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import User
from douflow.security.tokens import Role
from douflow.settings import Settings
from tests.support.auth import PASSWORD, TestUser, login, user_with_token


def as_json(body: dict[str, object]) -> str:
    """JSON with every non-ASCII character escaped, so a lone surrogate reaches the server as `\\udXXX`."""
    return json.dumps(body)


def json_headers(user: TestUser) -> dict[str, str]:
    return {**user.headers, "Content-Type": "application/json"}


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def me(http: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await http.get("/api/v1/auth/me", headers=headers)


async def persona(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: str,
    username: str,
    role: Role = "operator",
) -> TestUser:
    return await user_with_token(http, sessionmaker, tenant, username, role)


async def change(http: httpx.AsyncClient, admin: TestUser, user_id: str, **body: object) -> httpx.Response:
    return await http.patch(f"/api/v1/users/{user_id}", json=body, headers=admin.headers)


async def test_logout_ends_only_this_session(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    laptop = await persona(http, sessionmaker, "sess-logout", "lena")
    phone = bearer(await login(http, laptop.tenant_slug, laptop.username))

    out = await http.post("/api/v1/auth/logout", headers=laptop.headers)
    assert out.status_code == 204, out.text

    ended = await me(http, laptop.headers)
    assert ended.status_code == 401
    assert ended.headers["www-authenticate"] == "Bearer"
    assert "session ended" in ended.json()["detail"]
    assert (await me(http, phone)).status_code == 200
    assert (await http.post("/api/v1/auth/logout", headers=laptop.headers)).status_code == 401


async def test_a_password_change_ends_the_other_sessions(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    here = await persona(http, sessionmaker, "sess-password", "paul")
    elsewhere = bearer(await login(http, here.tenant_slug, here.username))
    new_password = "a-brand-new-passphrase"

    wrong = await http.post(
        "/api/v1/auth/password",
        json={"current_password": "not-my-password", "new_password": new_password},
        headers=here.headers,
    )
    assert wrong.status_code == 400, wrong.text
    assert (await me(http, elsewhere)).status_code == 200, "a refused change ends nothing"

    changed = await http.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=here.headers,
    )
    assert changed.status_code == 204, changed.text
    assert (await me(http, here.headers)).status_code == 200
    assert (await me(http, elsewhere)).status_code == 401
    assert (await login(http, here.tenant_slug, here.username)).status_code == 401
    assert (await login(http, here.tenant_slug, here.username, new_password)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"current_password": PASSWORD},
        {"current_password": PASSWORD, "new_password": "short"},
        {"current_password": PASSWORD, "new_password": "x" * 129},
        {"current_password": "", "new_password": "long-enough-pw"},
        {"current_password": PASSWORD, "new_password": "long-enough-pw", "extra": 1},
        {"current_password": 1, "new_password": ["long-enough-pw"]},
        {"current_password": PASSWORD, "new_password": "long-enough-\ud800"},
        {"current_password": "\udfff", "new_password": "long-enough-pw"},
    ],
)
async def test_odd_password_changes_are_client_errors(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], body: dict[str, object]
) -> None:
    user = await persona(http, sessionmaker, "sess-odd-password", "oscar")
    response = await http.post("/api/v1/auth/password", content=as_json(body), headers=json_headers(user))
    assert response.status_code == 422, response.text
    assert (await login(http, user.tenant_slug, user.username)).status_code == 200


async def test_a_disabled_user_loses_access_and_stays_out_when_enabled_again(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    boss = await persona(http, sessionmaker, "sess-disable", "bea", "admin")
    worker = await persona(http, sessionmaker, "sess-disable", "dan")

    disabled = await change(http, boss, worker.user_id, disabled=True)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True
    assert (await me(http, worker.headers)).status_code == 401
    assert (await login(http, worker.tenant_slug, worker.username)).status_code == 401

    assert (await change(http, boss, worker.user_id, disabled=False)).status_code == 200
    assert (await me(http, worker.headers)).status_code == 401, "enabling does not revive old tokens"
    assert (await me(http, bearer(await login(http, worker.tenant_slug, worker.username)))).status_code == 200


async def test_a_deleted_user_loses_access(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    gone = await persona(http, sessionmaker, "sess-delete", "gina")
    async with sessionmaker() as session:
        await session.execute(delete(User).where(User.id == gone.user_id))
        await session.commit()
    assert (await me(http, gone.headers)).status_code == 401


async def test_a_demoted_admin_loses_admin_rights_on_the_next_request(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    boss = await persona(http, sessionmaker, "sess-demote", "bob", "admin")
    deputy = await persona(http, sessionmaker, "sess-demote", "dora", "admin")
    assert (await http.get("/api/v1/users", headers=deputy.headers)).status_code == 200

    demoted = await change(http, boss, deputy.user_id, role="viewer")
    assert demoted.status_code == 200, demoted.text
    assert demoted.json()["role"] == "viewer"
    assert (await http.get("/api/v1/users", headers=deputy.headers)).status_code == 403
    assert (await me(http, deputy.headers)).json()["role"] == "viewer"
    assert (await http.post("/api/v1/douyin/accounts/bind", headers=deputy.headers)).status_code == 403


async def test_the_last_active_admin_is_kept(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    only = await persona(http, sessionmaker, "sess-last-admin", "ole", "admin")
    for body in ({"role": "operator"}, {"disabled": True}):
        refused = await change(http, only, only.user_id, **body)
        assert refused.status_code == 409, refused.text
        assert "last active admin" in refused.json()["detail"]

    other = await persona(http, sessionmaker, "sess-last-admin", "ines", "operator")
    assert (await change(http, only, other.user_id, role="admin", disabled=True)).status_code == 200
    assert (await change(http, only, only.user_id, role="operator")).status_code == 409, (
        "a disabled admin is none"
    )
    assert (await change(http, only, other.user_id, disabled=False)).status_code == 200
    handed_over = await change(http, only, only.user_id, role="operator", display_name="Ole")
    assert handed_over.status_code == 200, handed_over.text
    assert (await http.get("/api/v1/users", headers=only.headers)).status_code == 403


@pytest.mark.parametrize("round_", range(4))
async def test_two_admins_demoting_each_other_at_once_leave_one(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], round_: int
) -> None:
    first = await persona(http, sessionmaker, f"sess-admin-race-{round_}", "ann", "admin")
    second = await persona(http, sessionmaker, f"sess-admin-race-{round_}", "abe", "admin")
    answers = await asyncio.gather(
        change(http, first, second.user_id, role="viewer"), change(http, second, first.user_id, role="viewer")
    )
    # The loser is refused either by the rule (409) or, when the winner committed before its session
    # check, because it is no longer an admin (403); never do both succeed.
    codes = sorted(a.status_code for a in answers)
    assert codes in ([200, 403], [200, 409]), [a.text for a in answers]
    survivor = first if answers[0].status_code == 200 else second
    users = (await http.get("/api/v1/users", headers=survivor.headers)).json()
    assert [u["username"] for u in users if u["role"] == "admin"] == [survivor.username]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"role": None},
        {"role": "root"},
        {"disabled": "maybe"},
        {"display_name": "x" * 101},
        {"password": "sneaky-new-password"},
        {"role": ["admin"]},
    ],
)
async def test_odd_user_changes_are_client_errors(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], body: dict[str, object]
) -> None:
    boss = await persona(http, sessionmaker, "sess-odd-change", "otto", "admin")
    target = await persona(http, sessionmaker, "sess-odd-change", "tess")
    response = await http.patch(f"/api/v1/users/{target.user_id}", json=body, headers=boss.headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("user_id", ["no-such-user", "x" * 400, "%00", "..%2F..%2Fusers"])
async def test_unknown_users_are_not_found(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], user_id: str
) -> None:
    boss = await persona(http, sessionmaker, "sess-odd-change", "otto", "admin")
    response = await http.patch(f"/api/v1/users/{user_id}", json={"role": "viewer"}, headers=boss.headers)
    assert response.status_code in (400, 404), response.text


async def test_admins_change_users_of_their_own_tenant_only(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    operator: TestUser,
    admin: TestUser,
) -> None:
    outsider = await persona(http, sessionmaker, "sess-outsider", "omar", "admin")
    assert (await change(http, outsider, operator.user_id, disabled=True)).status_code == 404
    assert (await change(http, operator, admin.user_id, role="viewer")).status_code == 403
    assert (await me(http, operator.headers)).json()["role"] == "operator"
    assert (await me(http, admin.headers)).json()["role"] == "admin"


@pytest.mark.parametrize("audience", [None, "another-service"])
async def test_a_token_for_another_audience_is_refused(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    audience: str | None,
) -> None:
    user = await persona(http, sessionmaker, "sess-audience", "ava")
    key = OctKey.import_key(settings.jwt_secret.get_secret_value())
    claims = jwt.decode(user.headers["Authorization"].removeprefix("Bearer "), key).claims
    claims.pop("aud", None)
    if audience is not None:
        claims["aud"] = audience
    retargeted = jwt.encode({"alg": "HS256"}, claims, key)
    assert (await me(http, user.headers)).status_code == 200
    assert (await me(http, {"Authorization": f"Bearer {retargeted}"})).status_code == 401
