"""Who a notification is for: named users, or an audience resolved to the tenant's users when it is written;
each recipient has their own read mark. Flushes nothing itself; the caller commits.

Every writer of notifications goes through `address`, so the in-app list and the webhooks see the same ones:
what a session addressed is kept on it (`written`), for the caller to hand to the tenant's webhooks after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.approvals import APPROVER_ROLES, REVIEWERS
from douflow.customers.conversations import AGENT_ROLES, AGENTS
from douflow.db.base import new_id
from douflow.db.metrics_tables import Notification
from douflow.db.notification_tables import NotificationRecipient
from douflow.db.tables import User
from douflow.security.tokens import ROLES, Role
from models.notifications import NewNotification, NotificationItem

ADMINS = "admins"
AUDIENCE_ROLES: dict[str | None, tuple[Role, ...]] = {
    None: ROLES,
    ADMINS: ("admin",),
    REVIEWERS: APPROVER_ROLES,
    AGENTS: AGENT_ROLES,
}
_WRITTEN = "douflow.notify.written"


async def address(
    session: AsyncSession, row: Notification, user_ids: Sequence[str] | None = None
) -> list[str]:
    """Adds the notification with its recipients: the tenant's enabled users among `user_ids` when given, else
    those of its audience; the user ids it went to. A notification already stored (a retry) adds nothing."""
    row.id = row.id or new_id()
    if await session.get(Notification, row.id) is not None:
        return []
    query = select(User.id).where(User.tenant_id == row.tenant_id, User.disabled.is_(False))
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    else:
        query = query.where(User.role.in_(AUDIENCE_ROLES.get(row.audience, ("admin",))))
    users = sorted(set((await session.scalars(query)).all()))
    session.add(row)
    for user_id in users:
        session.add(NotificationRecipient(tenant_id=row.tenant_id, notification_id=row.id, user_id=user_id))
    session.info.setdefault(_WRITTEN, []).append(
        NotificationItem(id=row.id, kind=row.kind, title=row.title, body=row.body or "", link=row.link or "")
    )
    return users


def from_new(new: NewNotification, notification_id: str | None = None) -> Notification:
    return Notification(
        id=notification_id or new_id(),
        tenant_id=new.tenant_id,
        kind=new.kind,
        title=new.title[:200],
        body=new.body,
        link=new.link,
        object_id=new.object_id,
        audience=None if new.recipient_user_ids is not None else (new.audience or ADMINS),
    )


def written(session: AsyncSession) -> list[NotificationItem]:
    """The notifications this session addressed (taken: a second call answers only newer ones)."""
    items: list[NotificationItem] = session.info.pop(_WRITTEN, [])
    return items


async def inbox(
    session: AsyncSession, tenant_id: str, user_id: str, *, unread: bool, limit: int
) -> tuple[list[tuple[Notification, datetime | None]], int]:
    """The user's notifications, newest first, each with the user's read time, and how many are unread."""
    mine = (
        NotificationRecipient.tenant_id == tenant_id,
        NotificationRecipient.user_id == user_id,
        Notification.tenant_id == tenant_id,
    )
    query = select(Notification, NotificationRecipient.read_at).join(
        NotificationRecipient, NotificationRecipient.notification_id == Notification.id
    )
    query = query.where(*mine)
    if unread:
        query = query.where(NotificationRecipient.read_at.is_(None))
    rows = await session.execute(query.order_by(Notification.created_at.desc(), Notification.id).limit(limit))
    count = await session.scalar(
        select(func.count())
        .select_from(NotificationRecipient)
        .join(Notification, NotificationRecipient.notification_id == Notification.id)
        .where(*mine, NotificationRecipient.read_at.is_(None))
    )
    return [(n, read_at) for n, read_at in rows.all()], int(count or 0)


async def mark_read(
    session: AsyncSession, tenant_id: str, user_id: str, notification_id: str, at: datetime
) -> tuple[Notification, datetime] | None:
    """Marks it read for this user only (the first read time is kept); None when it is not theirs."""
    found = await session.execute(
        select(Notification, NotificationRecipient)
        .join(NotificationRecipient, NotificationRecipient.notification_id == Notification.id)
        .where(
            Notification.id == notification_id,
            Notification.tenant_id == tenant_id,
            NotificationRecipient.user_id == user_id,
        )
    )
    pair = found.first()
    if pair is None:
        return None
    notification, recipient = pair
    if recipient.read_at is None:
        recipient.read_at = at
    return notification, recipient.read_at
