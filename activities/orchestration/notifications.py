"""orchestration-service's notifications (seed 16): written to users, and handed to the tenant's group-robot
webhooks, whose digest runs post them.

A notification reaches a webhook through its digest run (`notify-digest-{webhook}`, signal-with-start): the
first one starts it, those arriving while it collects join it, and it posts once with retries.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.orchestration.contract import Orchestration
from douflow.db.base import utcnow
from douflow.db.notification_tables import NotificationWebhook
from douflow.notify import digests, recipients, webhooks
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings
from douflow.temporal.errors import NOTIFICATION_WEBHOOK_REJECTED
from models.notifications import DigestPost, DigestPosted, NewNotification, NotificationItem

_NOTICE_NAMESPACE = uuid.UUID("9a3c6f0e-2b1d-4c8e-8f57-6d0e1b2a4c73")
POST_TIMEOUT_SECONDS = 10.0


class NotificationActivities(Orchestration):
    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def send_notification(self, new: NewNotification) -> None:
        info = activity.info()
        key = f"{info.workflow_id}:{info.workflow_run_id}:{info.activity_id}"
        async with self._sessionmaker() as session:
            row = recipients.from_new(new, str(uuid.uuid5(_NOTICE_NAMESPACE, key)))
            await recipients.address(session, row, new.recipient_user_ids)
            await session.commit()
            items = recipients.written(session)
        await self._to_webhooks(new.tenant_id, items)

    @activity.defn
    async def post_notification_digest(self, post: DigestPost) -> DigestPosted:
        async with self._sessionmaker() as session:
            hook = await session.get(NotificationWebhook, post.webhook_id)
            if hook is None or hook.tenant_id != post.tenant_id or not hook.enabled or not post.items:
                return DigestPosted(posted=False, reason="webhook removed or disabled")
            box = SecretBox(self._settings.token_keyring)
            secret = box.decrypt(hook.secret_encrypted) if hook.secret_encrypted else None
            kind, target = hook.kind, hook.url
        try:
            await webhooks.check_target(target, self._settings.webhook_private_allowed)
        except webhooks.TargetRefused as exc:
            await self._note(post, f"target refused: {exc}")
            raise ApplicationError(str(exc), type=NOTIFICATION_WEBHOOK_REJECTED, non_retryable=True) from exc
        url, body = webhooks.message(
            kind, target, secret, post.items, utcnow(), self._settings.public_base_url
        )
        async with httpx.AsyncClient(timeout=POST_TIMEOUT_SECONDS, follow_redirects=False) as http:
            try:
                response = await http.post(url, json=body)
            except httpx.HTTPError as exc:
                await self._note(post, f"unreachable: {type(exc).__name__}")
                raise ApplicationError(f"webhook unreachable: {type(exc).__name__}") from exc
        return await self._answered(post, kind, response)

    async def _answered(self, post: DigestPost, kind: str, response: httpx.Response) -> DigestPosted:
        code = response.status_code
        if code >= 500 or code == 429:
            await self._note(post, f"HTTP {code}")
            raise ApplicationError(f"webhook answered HTTP {code}")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        refused = f"HTTP {code}" if code >= 400 else webhooks.accepted(kind, payload)  # type: ignore[arg-type]
        if refused:
            await self._note(post, f"refused: {refused}")
            raise ApplicationError(
                f"webhook refused the message: {refused}",
                type=NOTIFICATION_WEBHOOK_REJECTED,
                non_retryable=True,
            )
        await self._note(post, None)
        return DigestPosted(posted=True, status_code=code)

    async def _note(self, post: DigestPost, error: str | None) -> None:
        async with self._sessionmaker() as session:
            hook = await session.get(NotificationWebhook, post.webhook_id)
            if hook is not None and hook.tenant_id == post.tenant_id:
                hook.last_error = error
                if error is None:
                    hook.last_posted_at = utcnow()
                await session.commit()

    async def _to_webhooks(self, tenant_id: str, items: Sequence[NotificationItem]) -> None:
        """Each notification joins the digest of every enabled webhook of the tenant that takes its kind."""
        if not items:
            return
        async with self._sessionmaker() as session:
            await digests.to_webhooks(self._client, self._settings, session, tenant_id, items)
