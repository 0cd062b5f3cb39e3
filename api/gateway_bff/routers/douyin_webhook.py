"""Douyin webhooks: one public path, authenticated by `X-Douyin-Signature`, acknowledged at once.

The event is stored in the inbox under its `Msg-Id` (a retried delivery is recognised and not
processed again) and handed to `DouyinEventWorkflow`; nothing slow happens before the 200.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.douyin.webhook_signature import verify
from api.gateway_bff.deps import SessionDep, SettingsDep, TemporalDep
from douflow.db.tables import DouyinAccount, WebhookEvent
from douflow.temporal import FEATURE, ORCHESTRATION, TENANT_ID, queue
from models.douyin_accounts import DouyinEventInput

log = logging.getLogger("douflow.bff.webhook")
router = APIRouter(prefix="/api/v1/douyin", tags=["douyin-webhook"])

WEBHOOK_FEATURE = "douyin-webhook"
EVENT_WORKFLOW_TIMEOUT = timedelta(hours=1)


def _content(value: Any) -> Any:
    """Some events carry `content` as a JSON-encoded string; decode it so every consumer sees an object."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _error(status_code: int, detail: str, code: str) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": code}, status_code=status_code)


@router.post("/webhook", response_model=None)
async def receive_webhook(
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    signature: Annotated[str | None, Header(alias="X-Douyin-Signature")] = None,
    msg_id: Annotated[str | None, Header(alias="Msg-Id", max_length=200)] = None,
) -> JSONResponse:
    """Verifies, answers the `verify_webhook` challenge, stores once per Msg-Id and starts the handling."""
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
    if event == "verify_webhook":
        return JSONResponse({"challenge": content.get("challenge") if isinstance(content, dict) else None})
    if not msg_id or not event:
        return _error(400, "Msg-Id header and event are required", "invalid_event")
    stored = await _store(session, msg_id, event, payload, content)
    if stored.workflow_id is not None:
        return JSONResponse({"status": "duplicate", "msg_id": msg_id})
    stored.workflow_id = await _hand_over(temporal, settings, stored, content)
    await session.commit()
    return JSONResponse({"status": "accepted", "msg_id": msg_id})


async def _store(
    session: SessionDep, msg_id: str, event: str, payload: dict[str, Any], content: Any
) -> WebhookEvent:
    """The inbox row for this Msg-Id: new, or the one a previous delivery left."""
    from_user, to_user = str(payload.get("from_user_id") or ""), str(payload.get("to_user_id") or "")
    row = WebhookEvent(
        msg_id=msg_id,
        tenant_id=await _tenant_of(session, [to_user, from_user]),
        event=event[:60],
        from_user_id=from_user or None,
        to_user_id=to_user or None,
        payload=payload | {"content": content},
    )
    session.add(row)
    try:
        await session.commit()
        return row
    except IntegrityError:
        await session.rollback()
    existing = await session.get(WebhookEvent, msg_id)
    if existing is None:
        raise RuntimeError(f"webhook {msg_id} neither inserted nor found")
    return existing


async def _tenant_of(session: SessionDep, open_ids: list[str]) -> str | None:
    """The tenant when exactly one tenant holds an account for the event's user."""
    wanted = [open_id for open_id in open_ids if open_id]
    if not wanted:
        return None
    tenants = set(
        await session.scalars(select(DouyinAccount.tenant_id).where(DouyinAccount.open_id.in_(wanted)))
    )
    return tenants.pop() if len(tenants) == 1 else None


async def _hand_over(temporal: TemporalDep, settings: SettingsDep, row: WebhookEvent, content: Any) -> str:
    """Starts the event's workflow without waiting; the id makes a second start a no-op."""
    workflow_id = f"douyin-event-{row.msg_id}"
    attributes: list[SearchAttributePair[str]] = [SearchAttributePair(FEATURE, WEBHOOK_FEATURE)]
    if row.tenant_id:
        attributes.append(SearchAttributePair(TENANT_ID, row.tenant_id))
    try:
        await temporal.start_workflow(
            "DouyinEventWorkflow",
            DouyinEventInput(
                msg_id=row.msg_id,
                event=row.event,
                from_user_id=row.from_user_id or "",
                to_user_id=row.to_user_id or "",
                content=content,
            ),
            id=workflow_id,
            task_queue=queue(settings, ORCHESTRATION),
            execution_timeout=EVENT_WORKFLOW_TIMEOUT,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes(attributes),
        )
    except WorkflowAlreadyStartedError:
        log.info("douyin event %s was already handed over", row.msg_id)
    return workflow_id
