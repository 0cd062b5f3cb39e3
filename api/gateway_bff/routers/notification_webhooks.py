"""The tenant's group-robot webhooks (seed 16): WeCom, Feishu or DingTalk robots that receive the tenant's
notifications in digests. Admins only; the secret is encrypted at rest and never answered."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from api.gateway_bff.deps import Admin, SessionDep, SettingsDep
from api.gateway_bff.errors import NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.notification_webhooks import NewWebhook, WebhookChange, WebhookView
from douflow.db.notification_tables import NotificationWebhook
from douflow.notify import webhooks
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings

router = APIRouter(prefix="/api/v1/notification-webhooks", tags=["notifications"], route_class=GuardedRoute)


def _view(row: NotificationWebhook) -> WebhookView:
    return WebhookView(
        id=row.id,
        kind=row.kind,
        url=row.url,
        has_secret=row.secret_encrypted is not None,
        kinds=list(row.kinds or []),
        enabled=row.enabled,
        last_posted_at=row.last_posted_at,
        last_error=row.last_error,
        created_at=row.created_at,
    )


async def _checked(url: str, settings: Settings) -> str:
    try:
        await webhooks.check_target(url, settings.webhook_private_allowed)
    except webhooks.TargetRefused as exc:
        raise Unprocessable(f"url: {exc}") from exc
    return url


async def _load(session: SessionDep, admin: Admin, webhook_id: str) -> NotificationWebhook:
    row = await session.get(NotificationWebhook, webhook_id)
    if row is None or row.tenant_id != admin.tenant_id:
        raise NotFound(f"webhook {webhook_id} not found")
    return row


@router.get("")
async def list_webhooks(admin: Admin, session: SessionDep) -> list[WebhookView]:
    rows = await session.scalars(
        select(NotificationWebhook)
        .where(NotificationWebhook.tenant_id == admin.tenant_id)
        .order_by(NotificationWebhook.created_at, NotificationWebhook.id)
    )
    return [_view(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(422))
async def create_webhook(
    body: NewWebhook, admin: Admin, session: SessionDep, settings: SettingsDep
) -> WebhookView:
    """A robot of the tenant; its URL must be https on a public address (its host is resolved and checked)."""
    box = SecretBox(settings.token_keyring)
    row = NotificationWebhook(
        tenant_id=admin.tenant_id,
        kind=body.kind,
        url=await _checked(body.url, settings),
        secret_encrypted=box.encrypt(body.secret) if body.secret else None,
        kinds=sorted(set(body.kinds)),
        enabled=body.enabled,
        created_by=admin.user_id,
    )
    session.add(row)
    await session.commit()
    return _view(row)


@router.patch("/{webhook_id}", responses=answers(404, 422))
async def change_webhook(
    webhook_id: str, body: WebhookChange, admin: Admin, session: SessionDep, settings: SettingsDep
) -> WebhookView:
    row = await _load(session, admin, webhook_id)
    if body.url is not None:
        row.url = await _checked(body.url, settings)
    if body.secret is not None:
        row.secret_encrypted = SecretBox(settings.token_keyring).encrypt(body.secret) if body.secret else None
    if body.kinds is not None:
        row.kinds = sorted(set(body.kinds))
    if body.enabled is not None:
        row.enabled = body.enabled
    await session.commit()
    return _view(row)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(404))
async def delete_webhook(webhook_id: str, admin: Admin, session: SessionDep) -> Response:
    await session.delete(await _load(session, admin, webhook_id))
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
