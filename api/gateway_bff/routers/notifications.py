"""Notifications for the tenant's people (a hit was replicated, a content waits for review, a task is due, ...):
each is addressed to users when it is written, and each user lists and marks read their own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.gateway_bff.deps import CurrentUser, SessionDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.notifications import NotificationPage, NotificationView
from douflow.db.base import utcnow
from douflow.db.metrics_tables import Notification
from douflow.notify import recipients

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], route_class=GuardedRoute)


def _view(row: Notification, read_at: datetime | None) -> NotificationView:
    return NotificationView(
        id=row.id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        link=row.link,
        object_id=row.object_id,
        created_at=row.created_at,
        read_at=read_at,
    )


@router.get("")
async def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    """The caller's notifications, newest first; `unread=true` leaves out those the caller read. `unread`
    counts all the caller has not read."""
    rows, count = await recipients.inbox(session, user.tenant_id, user.user_id, unread=unread, limit=limit)
    return NotificationPage(items=[_view(n, read_at) for n, read_at in rows], unread=count)


@router.post("/{notification_id}/read", responses=answers(404))
async def mark_read(notification_id: str, user: CurrentUser, session: SessionDep) -> NotificationView:
    """Marks it read for the caller only (again is harmless: the first read time is kept)."""
    found = await recipients.mark_read(session, user.tenant_id, user.user_id, notification_id, utcnow())
    if found is None:
        raise NotFound(f"notification {notification_id} not found")
    await session.commit()
    return _view(*found)
