"""Douyin webhooks: one public path, authenticated by `X-Douyin-Signature`, acknowledged at once.

The signature covers only the body, so an event must also name this app (`client_key`), be recent (its
`log_id` carries the send time; the platform retries a delivery only 3 times) and be new: the inbox keeps
each event once under its `Msg-Id` and once under its body's identity, both unique, so neither a retry nor
a captured delivery replayed under a new Msg-Id is processed again. A new event is handed to one
`DouyinEventWorkflow` per tenant that holds the account it concerns, so every run is its tenant's; nothing
slow happens before the 200.

A stale or replayed event is answered 200 like a duplicate: the platform treats any other answer as a
failed delivery (and may cancel the subscription after many), and a replayer learns nothing from it.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.gateway_bff.comment_events import COMMENT_EVENT, to_comment_triage
from api.gateway_bff.conversation_events import IM_EVENTS, to_conversation
from api.gateway_bff.deps import SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import error_response
from api.gateway_bff.guarded_route import GuardedRoute, body_limit
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.errors import Error
from api.gateway_bff.schemas.webhook import WebhookChallenge, WebhookReceived
from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount, WebhookEvent
from douflow.douyin import events
from douflow.douyin.signature import verify
from douflow.temporal import starts
from models.douyin_accounts import RELEASED, DouyinEventInput

log = logging.getLogger("douflow.bff.webhook")
router = APIRouter(prefix="/api/v1/douyin", tags=["douyin-webhook"], route_class=GuardedRoute)

# The inbox marks an event that concerns no tenant's account as handed over to nobody.
NO_TENANT = ""
# The console's handshake names no app: `{"event": "verify_webhook", "client_key": "", ...}`.
HANDSHAKE_CLIENT_KEYS = frozenset({""})


def _content(value: Any) -> Any:
    """Some events carry `content` as a JSON-encoded string; decode it so every consumer sees an object."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _error(status_code: int, detail: str, code: str) -> JSONResponse:
    return error_response(status_code, Error(detail=detail, code=code))


def _is_stale(payload: dict[str, Any], max_age_seconds: int) -> bool:
    sent = events.sent_at(payload)
    return sent is not None and utcnow() - sent > timedelta(seconds=max_age_seconds)


@router.post("/webhook", response_model=WebhookReceived | WebhookChallenge, responses=answers(401, 403, 413))
@body_limit(lambda settings: settings.douyin_webhook_max_body_bytes)
async def receive_webhook(
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    signature: Annotated[str | None, Header(alias="X-Douyin-Signature")] = None,
    msg_id: Annotated[str | None, Header(alias="Msg-Id", max_length=200)] = None,
) -> JSONResponse:
    """Verifies, answers the `verify_webhook` challenge, stores each event once and starts the handling.

    The body is read within DOUYIN_WEBHOOK_MAX_BODY_BYTES (a larger one is a 413 before it is hashed)."""
    body = await request.body()
    if not signature:
        return _error(401, "missing X-Douyin-Signature", "signature_missing")
    if not verify(settings.douyin_client_secret.get_secret_value(), body, signature):
        return _error(403, "X-Douyin-Signature does not match the body", "signature_invalid")
    try:
        payload = json.loads(body)
    except ValueError:
        return _error(400, "body is not JSON", "invalid_body")
    if not isinstance(payload, dict):
        return _error(400, "body is not a JSON object", "invalid_body")
    event = str(payload.get("event") or "")
    content = _content(payload.get("content"))
    client_key = str(payload.get("client_key") or "")
    if event == "verify_webhook" and client_key in HANDSHAKE_CLIENT_KEYS | {settings.douyin_client_key}:
        challenge = content.get("challenge") if isinstance(content, dict) else None
        return JSONResponse(WebhookChallenge(challenge=challenge).model_dump())
    if client_key != settings.douyin_client_key:
        return _error(403, "the event is for another app (client_key)", "client_key_mismatch")
    if not msg_id or not event:
        return _error(400, "Msg-Id header and event are required", "invalid_event")
    payload |= {"content": content}
    if _is_stale(payload, settings.douyin_webhook_max_age_seconds):
        log.warning("douyin event %s (%s) is older than the retry window; dropped", msg_id, event)
        return JSONResponse(WebhookReceived(status="stale", msg_id=msg_id).model_dump())
    from_user, to_user = str(payload.get("from_user_id") or ""), str(payload.get("to_user_id") or "")
    tenants = await _tenants_of(session, [to_user, from_user])
    stored = await _store(session, msg_id, event, (from_user, to_user), payload, tenants)
    if stored.workflow_id is not None or stored.msg_id != msg_id:
        return JSONResponse(WebhookReceived(status="duplicate", msg_id=msg_id).model_dump())
    if event in IM_EVENTS:
        conversation = await to_conversation(
            session, temporal, settings, event, (from_user, to_user), content
        )
        stored.workflow_id = conversation or NO_TENANT
        await session.commit()
        return JSONResponse(WebhookReceived(status="accepted", msg_id=msg_id).model_dump())
    if event == COMMENT_EVENT:
        # A customer's comment on an account's item: one triage per comment (comment_events.py).
        triage = await to_comment_triage(session, temporal, settings, (from_user, to_user), content)
        stored.workflow_id = (triage or NO_TENANT)[:200]
        await session.commit()
        return JSONResponse(WebhookReceived(status="accepted", msg_id=msg_id).model_dump())
    handed = [await _hand_over(temporal, settings, stored, content, tenant_id) for tenant_id in tenants]
    stored.workflow_id = handed[0] if handed else NO_TENANT
    await session.commit()
    return JSONResponse(WebhookReceived(status="accepted", msg_id=msg_id).model_dump())


async def _store(
    session: SessionDep,
    msg_id: str,
    event: str,
    users: tuple[str, str],
    payload: dict[str, Any],
    tenants: list[str],
) -> WebhookEvent:
    """The inbox row of this event: new, or the one a previous delivery of its Msg-Id or its body left."""
    from_user, to_user = users
    body_key = events.identity(payload)
    row = WebhookEvent(
        msg_id=msg_id,
        body_key=body_key,
        tenant_id=tenants[0] if len(tenants) == 1 else None,
        event=event[:60],
        from_user_id=from_user or None,
        to_user_id=to_user or None,
        payload=payload,
    )
    session.add(row)
    try:
        await session.commit()
        return row
    except IntegrityError:
        await session.rollback()
    existing = await session.scalar(
        select(WebhookEvent)
        .where(or_(WebhookEvent.msg_id == msg_id, WebhookEvent.body_key == body_key))
        .order_by(WebhookEvent.msg_id != msg_id)
        .limit(1)
    )
    if existing is None:
        raise RuntimeError(f"webhook {msg_id} neither inserted nor found")
    return existing


async def _tenants_of(session: SessionDep, open_ids: list[str]) -> list[str]:
    """The tenants that hold an account of the event's users (one per account: a held open_id is unique);
    when none holds one any more, every tenant that held one, so a revocation still reaches them."""
    wanted = [open_id for open_id in open_ids if open_id]
    if not wanted:
        return []
    rows = await session.execute(
        select(DouyinAccount.tenant_id, DouyinAccount.status).where(DouyinAccount.open_id.in_(wanted))
    )
    accounts = rows.all()
    holding = {tenant_id for tenant_id, status in accounts if status not in RELEASED}
    return sorted(holding or {tenant_id for tenant_id, _ in accounts})


async def _hand_over(
    temporal: TemporalDep, settings: SettingsDep, row: WebhookEvent, content: Any, tenant_id: str
) -> str:
    """Starts the event's workflow for one tenant without waiting; the id makes a second start a no-op."""
    run = starts.douyin_event(
        DouyinEventInput(
            tenant_id=tenant_id,
            msg_id=row.msg_id,
            event=row.event,
            from_user_id=row.from_user_id or "",
            to_user_id=row.to_user_id or "",
            content=content,
        ),
        tenant_id=tenant_id,
    )
    try:
        await starts.start(temporal, settings, run)
    except WorkflowAlreadyStartedError:
        log.info("douyin event %s was already handed over to tenant %s", row.msg_id, tenant_id)
    return run.id
