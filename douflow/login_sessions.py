"""Login sessions: opened at login, looked up on every request, ended by logout, password change or an admin.

Functions flush but never commit: the request that calls them is the unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.tables import User, UserSession
from douflow.security.tokens import Role


@dataclass(frozen=True, slots=True)
class Standing:
    """What the database says about a session's user right now."""

    username: str
    role: Role


async def open_session(session: AsyncSession, user: User, lifetime: timedelta, now: datetime) -> UserSession:
    """A new session for `user`; the user's sessions that have run out are removed on the way."""
    await session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    opened = UserSession(tenant_id=user.tenant_id, user_id=user.id, created_at=now, expires_at=now + lifetime)
    session.add(opened)
    await session.flush()
    return opened


async def session_standing(
    session: AsyncSession, session_id: str, user_id: str, tenant_id: str, now: datetime
) -> Standing | None:
    """The user behind a live session, or None when the session ended or its user is disabled or gone."""
    row = (
        await session.execute(
            select(User.username, User.role)
            .join(UserSession, UserSession.user_id == User.id)
            .where(*_live(session_id, user_id, tenant_id, now))
        )
    ).one_or_none()
    return None if row is None else Standing(username=row.username, role=row.role)


async def refresh_session(
    session: AsyncSession,
    session_id: str,
    user_id: str,
    tenant_id: str,
    *,
    idle: timedelta,
    max_age: timedelta,
    now: datetime,
) -> datetime | None:
    """Extends a live session to `idle` from now, never past `max_age` after its login; the new end, or None
    when the session ended (logout, password change, revoked, expired), its user is disabled or gone, or it
    reached its absolute limit. Reads the row itself, never a cached standing."""
    row = (
        await session.execute(
            select(UserSession)
            .join(User, User.id == UserSession.user_id)
            .where(*_live(session_id, user_id, tenant_id, now))
            .with_for_update(of=UserSession)
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    limit = row.created_at + max_age
    if limit <= now:
        return None
    row.expires_at = min(now + idle, limit)
    await session.flush()
    return row.expires_at


def _live(session_id: str, user_id: str, tenant_id: str, now: datetime) -> list[ColumnElement[bool]]:
    """A session still open, of an enabled user of its tenant (joined on `UserSession.user_id == User.id`)."""
    return [
        UserSession.id == session_id,
        UserSession.user_id == user_id,
        UserSession.tenant_id == tenant_id,
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > now,
        User.tenant_id == tenant_id,
        User.disabled.is_(False),
    ]


async def end_session(session: AsyncSession, session_id: str, now: datetime) -> None:
    await session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def end_user_sessions(
    session: AsyncSession, user_id: str, now: datetime, keep: str | None = None
) -> None:
    """Ends every live session of the user, except `keep` (the one that asked, on a password change)."""
    ending = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep is not None:
        ending = ending.where(UserSession.id != keep)
    await session.execute(ending.values(revoked_at=now))
