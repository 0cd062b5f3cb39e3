"""Notifications: what the notification routes answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class NotificationView(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    link: str
    object_id: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationView]
    unread: int
