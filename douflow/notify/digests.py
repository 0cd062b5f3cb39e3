"""Handing notifications to the tenant's group-robot webhooks (seed 16): each joins the digest run of every
enabled webhook that takes its kind (`notify-digest-{webhook}`, signal-with-start), which posts it.

Orchestration's activities and the BFF (a task an agent makes) both hand over what they addressed this way,
after their commit, so the robots see exactly what the in-app list shows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from douflow.db.notification_tables import NotificationWebhook
from douflow.settings import Settings
from douflow.temporal import starts
from models.notifications import DigestInput, NotificationItem

DIGEST_SIGNAL = "add"
log = logging.getLogger(__name__)


async def to_webhooks(
    client: Client,
    settings: Settings,
    session: AsyncSession,
    tenant_id: str,
    items: Sequence[NotificationItem],
) -> None:
    """A failure is logged, not raised: the notification is stored and shown in-app whatever the robots do."""
    if not items:
        return
    hooks = (
        await session.scalars(
            select(NotificationWebhook).where(
                NotificationWebhook.tenant_id == tenant_id, NotificationWebhook.enabled.is_(True)
            )
        )
    ).all()
    window = settings.notify_digest_seconds
    for hook in hooks:
        run = starts.notification_digest(
            DigestInput(tenant_id=tenant_id, webhook_id=hook.id, window_seconds=window)
        )
        for item in items:
            if hook.kinds and item.kind not in hook.kinds:
                continue
            try:
                await starts.signal_with_start(client, settings, run, DIGEST_SIGNAL, item)
            except Exception:
                log.warning("notification %s not handed to webhook %s", item.id, hook.id)
