"""Notifications for the tenant's people (a hit was replicated, a content waits for review, ...), listed and
marked read; those meant for approvers are shown to admins and reviewers only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, func, or_, select

from api.gateway_bff.deps import CurrentUser, SessionDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.notifications import NotificationPage, NotificationView
from douflow.content.approvals import APPROVER_ROLES, REVIEWERS
from douflow.customers.conversations import AGENT_ROLES, AGENTS
from douflow.db.base import utcnow
from douflow.db.metrics_tables import Notification
from douflow.security.tokens import Principal

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], route_class=GuardedRoute)


def _visible(user: Principal) -> list[ColumnElement[bool]]:
    """The tenant's notifications for everyone, those for approvers when the caller is one, and those for
    the people who work conversations when the caller does."""
    audiences: list[ColumnElement[bool]] = [Notification.audience.is_(None)]
    if user.role in APPROVER_ROLES:
        audiences.append(Notification.audience == REVIEWERS)
    if user.role in AGENT_ROLES:
        audiences.append(Notification.audience == AGENTS)
    return [Notification.tenant_id == user.tenant_id, or_(*audiences)]


def _view(row: Notification) -> NotificationView:
    return NotificationView.model_validate(row, from_attributes=True)


@router.get("")
async def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    """Newest first; `unread=true` leaves out those already read. `unread` counts all unread ones."""
    query = select(Notification).where(*_visible(user))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    rows = await session.scalars(query.order_by(Notification.created_at.desc()).limit(limit))
    count = await session.scalar(
        select(func.count()).select_from(Notification).where(*_visible(user), Notification.read_at.is_(None))
    )
    return NotificationPage(items=[_view(r) for r in rows], unread=int(count or 0))


@router.post("/{notification_id}/read")
async def mark_read(notification_id: str, user: CurrentUser, session: SessionDep) -> NotificationView:
    """Marks it read (again is harmless: the first read time is kept)."""
    row = await session.scalar(
        select(Notification).where(Notification.id == notification_id, *_visible(user))
    )
    if row is None:
        raise NotFound(f"notification {notification_id} not found")
    if row.read_at is None:
        row.read_at = utcnow()
        await session.commit()
    return _view(row)
