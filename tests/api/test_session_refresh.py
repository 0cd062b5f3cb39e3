"""`POST /api/v1/auth/refresh` over HTTP: a fresh token for the same session, which lasts longer but never past its
absolute limit, and never for a session that ended. Each test works in a tenant of its own; where a test needs
a session older than it is, it moves the session's login time back in the database instead of waiting."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.base import utcnow
from douflow.db.tables import UserSession
from douflow.settings import Settings
from tests.support.auth import PASSWORD, TestUser, login, user_with_token


def claims(settings: Settings, token: str) -> dict[str, object]:
    key = OctKey.import_key(settings.jwt_secret.get_secret_value())
    found: dict[str, object] = jwt.decode(token, key, algorithms=["HS256"]).claims
    return found


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refresh(http: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await http.post("/api/v1/auth/refresh", headers=headers)


async def persona(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], prefix: str
) -> TestUser:
    return await user_with_token(http, sessionmaker, f"{prefix}-{uuid.uuid4().hex[:6]}", "rhea", "agent")


async def session_row(sessionmaker: async_sessionmaker[AsyncSession], session_id: str) -> UserSession:
    async with sessionmaker() as session:
        row = await session.get(UserSession, session_id)
        assert row is not None
        return row


async def test_a_refresh_answers_a_new_token_of_the_same_session_user_and_tenant_and_extends_it(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await persona(http, sessionmaker, "refresh-ok")
    old = claims(settings, user.headers["Authorization"].removeprefix("Bearer "))
    session_id = str(old["sid"])
    # An hour into the token's life: the session then ends an hour from now unless refreshed.
    nearly = utcnow() + timedelta(hours=1)
    async with sessionmaker() as session:
        await session.execute(
            update(UserSession).where(UserSession.id == session_id).values(expires_at=nearly)
        )
        await session.commit()

    answer = await refresh(http, user.headers)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    new = claims(settings, body["access_token"])
    assert (new["sid"], new["sub"], new["tid"], new["role"]) == (
        session_id,
        user.user_id,
        user.tenant_id,
        "agent",
    )
    ttl = settings.access_token_minutes * 60
    assert ttl - 5 <= body["expires_in"] <= ttl
    row = await session_row(sessionmaker, session_id)
    assert row.expires_at > nearly + timedelta(minutes=50), "the session runs a whole token lifetime from now"
    assert abs(int(str(new["exp"])) - row.expires_at.timestamp()) <= 1, "token and session end together"
    me = await http.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["user_id"] == user.user_id
    assert me.json()["tenant_id"] == user.tenant_id
    assert (await http.get("/api/v1/auth/me", headers=user.headers)).status_code == 200, (
        "the old token still works"
    )


async def test_a_refresh_stops_at_the_sessions_absolute_limit(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await persona(http, sessionmaker, "refresh-limit")
    session_id = str(claims(settings, user.headers["Authorization"].removeprefix("Bearer "))["sid"])
    max_age = timedelta(hours=settings.session_max_hours)
    logged_in = utcnow() - max_age + timedelta(minutes=10)
    async with sessionmaker() as session:
        await session.execute(
            update(UserSession).where(UserSession.id == session_id).values(created_at=logged_in)
        )
        await session.commit()

    near_limit = await refresh(http, user.headers)
    assert near_limit.status_code == 200, near_limit.text
    assert near_limit.json()["expires_in"] <= 10 * 60, "ten minutes were left of the working day"
    assert (await session_row(sessionmaker, session_id)).expires_at == logged_in + max_age

    async with sessionmaker() as session:
        await session.execute(
            update(UserSession)
            .where(UserSession.id == session_id)
            .values(
                created_at=utcnow() - max_age - timedelta(seconds=1), expires_at=utcnow() + timedelta(hours=1)
            )
        )
        await session.commit()
    past_limit = await refresh(http, bearer(near_limit.json()["access_token"]))
    assert past_limit.status_code == 401, past_limit.text
    assert past_limit.headers["www-authenticate"] == "Bearer"


async def test_a_logged_out_or_revoked_session_or_a_disabled_user_cannot_refresh(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = await persona(http, sessionmaker, "refresh-revoked")
    other = await login(http, user.tenant_slug, user.username)
    other_headers = bearer(other.json()["access_token"])
    admin = await user_with_token(http, sessionmaker, user.tenant_slug, "adam", "admin")
    third = await user_with_token(http, sessionmaker, user.tenant_slug, "tess", "agent")

    assert (await http.post("/api/v1/auth/logout", headers=user.headers)).status_code == 204
    changed = await http.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another-long-passphrase"},
        headers=bearer((await login(http, user.tenant_slug, user.username)).json()["access_token"]),
    )
    assert changed.status_code == 204, changed.text
    disabled = await http.patch(
        f"/api/v1/users/{third.user_id}", json={"disabled": True}, headers=admin.headers
    )
    assert disabled.status_code == 200, disabled.text

    assert (await refresh(http, user.headers)).status_code == 401, "logged out"
    assert (await refresh(http, other_headers)).status_code == 401, "ended by the password change"
    assert (await refresh(http, third.headers)).status_code == 401, "the user is disabled"
    assert (await refresh(http, {})).status_code == 401
    assert (await refresh(http, admin.headers)).status_code == 200
