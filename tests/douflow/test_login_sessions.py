"""A login session refreshed through a working day, on the real database, with the clock given by the test."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import User, UserSession
from douflow.login_sessions import end_session, open_session, refresh_session
from tests.support.auth import create_user

IDLE = timedelta(hours=2)
MAX_AGE = timedelta(hours=12)
LOGIN = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


async def logged_in(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[str, str, str]:
    """(session id, user id, tenant id) of a login at LOGIN."""
    tenant_id, user_id = await create_user(sessionmaker, f"refresh-{uuid.uuid4().hex[:8]}", "rita", "agent")
    async with sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        opened = await open_session(session, user, IDLE, LOGIN)
        await session.commit()
        return opened.id, user_id, tenant_id


async def refresh_at(
    sessionmaker: async_sessionmaker[AsyncSession], ids: tuple[str, str, str], now: datetime
) -> datetime | None:
    async with sessionmaker() as session:
        ends = await refresh_session(session, *ids, idle=IDLE, max_age=MAX_AGE, now=now)
        await session.commit()
        return ends


async def test_refreshing_every_hour_keeps_a_session_until_its_absolute_limit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await logged_in(sessionmaker)
    ends = [await refresh_at(sessionmaker, ids, LOGIN + timedelta(hours=h)) for h in range(1, 13)]

    assert ends[0] == LOGIN + timedelta(hours=3), "an hour in, the session runs two hours from then"
    assert ends[8] == LOGIN + timedelta(hours=11)
    assert ends[9] == ends[10] == LOGIN + MAX_AGE, "never past twelve hours after the login"
    assert ends[11] is None, "at twelve hours nothing extends it any more"


async def test_a_session_left_idle_past_its_token_cannot_be_refreshed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await logged_in(sessionmaker)
    assert await refresh_at(sessionmaker, ids, LOGIN + timedelta(hours=1)) == LOGIN + timedelta(hours=3)

    assert await refresh_at(sessionmaker, ids, LOGIN + timedelta(hours=3, seconds=1)) is None
    assert await refresh_at(sessionmaker, ids, LOGIN + timedelta(hours=2)) == LOGIN + timedelta(hours=4)


async def test_an_ended_session_or_a_disabled_user_is_never_refreshed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ended = await logged_in(sessionmaker)
    async with sessionmaker() as session:
        await end_session(session, ended[0], LOGIN + timedelta(minutes=5))
        await session.commit()
    disabled = await logged_in(sessionmaker)
    async with sessionmaker() as session:
        await session.execute(update(User).where(User.id == disabled[1]).values(disabled=True))
        await session.commit()
    live = await logged_in(sessionmaker)
    stranger = (live[0], live[1], str(uuid.uuid4()))

    at = LOGIN + timedelta(minutes=10)
    assert await refresh_at(sessionmaker, ended, at) is None
    assert await refresh_at(sessionmaker, disabled, at) is None
    assert await refresh_at(sessionmaker, stranger, at) is None, "the session is looked up in its tenant"
    assert await refresh_at(sessionmaker, live, at) == at + IDLE
    async with sessionmaker() as session:
        row = await session.get(UserSession, ended[0])
        assert row is not None and row.expires_at == LOGIN + IDLE, "a refused refresh changes nothing"
