"""Seed feature 7: binding Douyin accounts through OAuth, listing them with health, unbinding.

The bind link and the callback are public (a browser carries no bearer token). The single-use `state`
ties a binding to the tenant and user who started it; the bind link, opened once, sets a cookie that
ties it to that browser too, and the callback completes only in the browser that holds the cookie.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from html import escape
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import update

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.binding_cookie import (
    clear_browser_cookie,
    cookie_name,
    digest,
    matches,
    new_browser_secret,
    set_browser_cookie,
)
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import AccountBoundElsewhere, DomainError, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.accounts import AccountView, BindStarted
from douflow.content.accounts import DouyinAccountRepository, account_health, customer_service_readiness
from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount, OAuthState
from douflow.douyin.consent import bind_link, consent_url
from douflow.security.secretbox import SecretBox
from douflow.temporal import starts
from douflow.temporal.ids import token_workflow_id
from douflow.temporal.schedules.metrics import delete_metrics_schedule, ensure_metrics_schedule
from models.douyin_accounts import BindingInput, BindingResult, UnbindInput, UnbindResult

log = logging.getLogger("douflow.bff.douyin")
router = APIRouter(prefix="/api/v1/douyin", tags=["douyin-accounts"], route_class=GuardedRoute)

STATE_TTL = timedelta(minutes=10)


def _view(account: DouyinAccount) -> AccountView:
    now = utcnow()
    return AccountView(
        id=account.id,
        open_id=account.open_id,
        nickname=account.nickname,
        avatar=account.avatar,
        account_role=account.account_role,
        scopes=list(account.scopes or []),
        health=account_health(account, now),
        status_reason=account.status_reason,
        access_expires_at=account.access_expires_at,
        refresh_expires_at=account.refresh_expires_at,
        renewals_left=account.renewals_left,
        bound_at=account.bound_at,
        unbound_at=account.unbound_at,
        token_workflow_id=token_workflow_id(account.id),
        customer_service=customer_service_readiness(account, now),
    )


@router.post("/accounts/bind", status_code=status.HTTP_201_CREATED)
async def start_binding(user: Operator, session: SessionDep, settings: SettingsDep) -> BindStarted:
    """Starts binding a Douyin account: open `authorize_url` (the BFF's bind link, which leads on to
    Douyin's consent page) in a browser within ten minutes, and finish the binding in that browser."""
    state = secrets.token_urlsafe(32)
    expires_at = utcnow() + STATE_TTL
    session.add(
        OAuthState(state=state, tenant_id=user.tenant_id, user_id=user.user_id, expires_at=expires_at)
    )
    await session.commit()
    return BindStarted(authorize_url=bind_link(settings, state), expires_at=expires_at)


def _pages(*statuses: int) -> dict[int | str, dict[str, Any]]:
    page = {"text/html": {"schema": {"type": "string"}}}
    return {code: {"description": "a page for the person binding", "content": page} for code in statuses}


@router.get(
    "/oauth/start",
    response_class=HTMLResponse,
    response_model=None,
    # An unknown, used, expired or already opened link is a page for the browser.
    responses=_pages(400) | {303: {"description": "on to Douyin's consent page, with the browser's cookie"}},
)
async def open_bind_link(
    session: SessionDep, settings: SettingsDep, state: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """The bind link: the first browser to open it owns the binding (a cookie) and goes on to Douyin."""
    browser_secret = new_browser_secret()
    problem = await _claim_state(session, state, digest(browser_secret))
    if problem is not None:
        return _page("绑定失败 · Binding failed", problem, 400)
    response = RedirectResponse(consent_url(settings, state), status_code=status.HTTP_303_SEE_OTHER)
    set_browser_cookie(response, settings, state, browser_secret, STATE_TTL)
    return response


@router.get(
    "/oauth/callback",
    response_class=HTMLResponse,
    response_model=None,
    # The binding's own failures (unknown or used state, Douyin refused) are pages for the browser.
    responses=_pages(202, 400, 404, 409, 502)
    | {
        303: {
            "description": "with DOUYIN_BIND_RETURN_URL set, back there: `status=bound` and `account_id`, "
            "`status=pending`, or `status=failed` and `code` (missing_code, unknown_state, link_used, "
            "link_expired, other_browser, or the API's error code)"
        }
    },
)
async def oauth_callback(
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    code: Annotated[str, Query(max_length=500)] = "",
    state: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Douyin sends the browser back here with `code` and `state`; the binding runs as a workflow."""
    if not code or not state:
        return _failed(settings, "missing_code", "The link is missing its code or state.", 400)
    pending = await _consume_state(session, state, request.cookies.get(cookie_name(state)))
    if isinstance(pending, tuple):
        return _failed(settings, *pending, 400)
    response = await _bind(temporal, settings, pending, code)
    clear_browser_cookie(response, settings, state)
    return response


async def _bind(temporal: TemporalDep, settings: SettingsDep, pending: OAuthState, code: str) -> Response:
    box = SecretBox(settings.token_keyring)
    binding = BindingInput(
        tenant_id=pending.tenant_id, user_id=pending.user_id, state=pending.state, code_enc=box.encrypt(code)
    )
    started = await runner.start(temporal, settings, starts.binding(binding))
    try:
        result = await runner.wait_result(started, BindingResult, settings.bff_sync_timeout_seconds)
    except AccountBoundElsewhere as exc:
        log.warning("douyin binding %s refused: %s", started.workflow_id, exc.detail)
        return _failed(
            settings, exc.code, f"{exc.detail}.", exc.status_code, title="绑定失败 · Binding refused"
        )
    except DomainError as exc:
        log.warning("douyin binding %s failed: %s", started.workflow_id, exc.detail)
        return _failed(settings, exc.code, f"{exc.detail}. Start the binding again.", exc.status_code)
    if not isinstance(result, BindingResult):
        if settings.douyin_bind_return_url:
            return _back(settings, status="pending")
        return _page("绑定中 · Binding", "Douyin is slow to answer; the account will appear shortly.", 202)
    # Metrics history starts with the binding (seed 8); the schedule is idempotent, so a rebind is harmless.
    await ensure_metrics_schedule(temporal, settings, pending.tenant_id, result.account_id)
    if settings.douyin_bind_return_url:
        return _back(settings, account_id=result.account_id, status="bound")
    name = result.nickname or result.open_id
    return _page("绑定成功 · Account bound", f"Douyin account {name} is bound. You can close this page.", 200)


async def _claim_state(session: SessionDep, state: str, browser_hash: str) -> str | None:
    """Ties a pending binding to the browser opening its link (once); a string explains a refusal."""
    now = utcnow()
    result = await session.execute(
        update(OAuthState)
        .where(
            OAuthState.state == state,
            OAuthState.browser_hash.is_(None),
            OAuthState.used_at.is_(None),
            OAuthState.expires_at > now,
        )
        .values(browser_hash=browser_hash)
    )
    await session.commit()
    if getattr(result, "rowcount", 0) == 1:
        return None
    pending = await session.get(OAuthState, state) if state else None
    if pending is not None and pending.browser_hash is not None and pending.used_at is None:
        return (
            "This binding link was already opened in a browser; finish it there, or start the binding again."
        )
    return _refusal(pending)


async def _consume_state(
    session: SessionDep, state: str, browser_secret: str | None
) -> OAuthState | tuple[str, str]:
    """Marks the state used (once, atomically, from the browser that opened the bind link); a code and a
    message explain why it cannot be used."""
    now = utcnow()
    pending = await session.get(OAuthState, state)
    if pending is None or pending.used_at is not None or pending.expires_at <= now:
        return _refusal_code(pending), _refusal(pending)
    if not matches(pending.browser_hash, browser_secret):
        return "other_browser", (
            "This binding was opened in another browser (or its link was not opened at all). "
            "Finish it in the browser that opened the link from DouFlow, or start the binding again."
        )
    result = await session.execute(
        update(OAuthState)
        .where(OAuthState.state == state, OAuthState.used_at.is_(None), OAuthState.expires_at > now)
        .values(used_at=now)
    )
    await session.commit()
    if getattr(result, "rowcount", 0) != 1:
        await session.refresh(pending)
        return _refusal_code(pending), _refusal(pending)
    return pending


def _refusal_code(pending: OAuthState | None) -> str:
    if pending is None:
        return "unknown_state"
    return "link_used" if pending.used_at is not None else "link_expired"


def _back(settings: SettingsDep, **query: str) -> Response:
    """Back to DOUYIN_BIND_RETURN_URL (the console's accounts page) with the binding's outcome."""
    return RedirectResponse(f"{settings.douyin_bind_return_url}?{urlencode(query)}", status_code=303)


def _failed(
    settings: SettingsDep, code: str, message: str, status_code: int, title: str = "绑定失败 · Binding failed"
) -> Response:
    """A failed binding: back to the return URL with its code (a fixed word the console explains, never
    the message, so no link can make the console say anything else), or a page saying why."""
    if settings.douyin_bind_return_url:
        return _back(settings, status="failed", code=code)
    return _page(title, message, status_code, code=code)


def _refusal(pending: OAuthState | None) -> str:
    if pending is None:
        return "Unknown binding state: this link was not issued by DouFlow."
    if pending.used_at is not None:
        return "This binding link was already used. Start the binding again."
    return "This binding link expired. Start the binding again."


def _page(title: str, message: str, status_code: int, code: str | None = None) -> HTMLResponse:
    """A page for the person binding; a failure's `code` (the API's error code) is on its message."""
    marker = f' data-code="{escape(code)}"' if code else ""
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<p{marker}>{escape(message)}</p></body></html>"
    )
    return HTMLResponse(html, status_code=status_code)


@router.get("/accounts")
async def list_accounts(
    user: CurrentUser,
    session: SessionDep,
    include_unbound: Annotated[bool, Query(description="also list unbound accounts")] = False,
) -> list[AccountView]:
    """The tenant's Douyin accounts with their health: ok, expiring, needs_reconnect, revoked."""
    accounts = await DouyinAccountRepository(session, user.tenant_id).list(include_unbound=include_unbound)
    return [_view(account) for account in accounts]


@router.get("/accounts/{account_id}")
async def get_account(account_id: str, user: CurrentUser, session: SessionDep) -> AccountView:
    account = await DouyinAccountRepository(session, user.tenant_id).get(account_id)
    if account is None:
        raise NotFound(f"douyin account {account_id} not found")
    return _view(account)


@router.delete("/accounts/{account_id}", responses=answers(409, 502))
async def unbind_account(
    account_id: str,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    key: runner.Key,
) -> AccountView:
    """Unbinds: tokens wiped, token workflow stopped; the account and its history stay (rebind restores)."""
    repo = DouyinAccountRepository(session, user.tenant_id)
    if await repo.get(account_id) is None:
        raise NotFound(f"douyin account {account_id} not found")
    unbind = UnbindInput(tenant_id=user.tenant_id, account_id=account_id, user_id=user.user_id)
    run = starts.unbind(unbind, request_key=key.value)
    started = await runner.start(temporal, settings, run, key=key)
    await runner.wait_result(started, UnbindResult, settings.bff_sync_timeout_seconds)
    await delete_metrics_schedule(temporal, account_id)
    session.expire_all()
    account = await repo.get(account_id)
    if account is None:
        raise NotFound(f"douyin account {account_id} not found")
    return _view(account)
