"""OAuth: the browser authorization page and the `/oauth/*` token endpoints (OAuth envelope)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from douyin_sandbox import envelopes, ids, pages
from douyin_sandbox.auth import check_user_token
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import AccessToken, AuthCode, ClientToken, Grant, RefreshToken, token_key
from douyin_sandbox.users import SANDBOX_USERS, USERS_BY_OPEN_ID

logger = logging.getLogger(__name__)
router = APIRouter()

PARAM_ERROR = 10002
CLIENT_KEY_ERROR = 10003
NO_PERMISSION = 10004
MISSING_PARAM = 10005
BAD_REDIRECT_URI = 10006
CODE_EXPIRED = 10007
REFRESH_TOKEN_EXPIRED = 10010
CLIENT_SECRET_ERROR = 10013
RENEW_LIMIT = 10020
UNSUPPORTED_SCOPE = 28004020
IM_SCOPE_PREFIX = "im."


async def read_params(request: Request) -> dict[str, str]:
    """Form, JSON and query are all accepted; SDKs disagree on which one these endpoints take."""
    params: dict[str, str] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise SandboxApiError(PARAM_ERROR, "请求体不是合法JSON", style="oauth") from exc
        if isinstance(body, dict):
            params.update({k: str(v) for k, v in body.items() if v is not None})
    elif "form" in content_type:
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _require(params: dict[str, str], *names: str) -> None:
    missing = [name for name in names if not params.get(name)]
    if missing:
        raise SandboxApiError(MISSING_PARAM, f"缺少参数: {','.join(missing)}", style="oauth")


def _check_client(runtime: SandboxRuntime, params: dict[str, str], *, secret: bool) -> None:
    if params.get("client_key") != runtime.config.client_key:
        raise SandboxApiError(CLIENT_KEY_ERROR, style="oauth")
    if secret and params.get("client_secret") != runtime.config.client_secret:
        raise SandboxApiError(CLIENT_SECRET_ERROR, style="oauth")


def _redirect_error(runtime: SandboxRuntime, redirect_uri: str) -> str | None:
    if not redirect_uri:
        return "缺少redirect_uri"
    parts = urlsplit(redirect_uri.split("#", 1)[0])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "redirect_uri格式错误"
    if parts.query:
        return "redirect_uri不支持自定义参数"
    if parts.hostname not in runtime.config.redirect_hosts:
        return "redirect_uri与应用配置的授权回调域不一致"
    return None


def _split_scopes(raw: str) -> list[str]:
    return [scope.strip() for scope in raw.split(",") if scope.strip()]


def _page_scopes(runtime: SandboxRuntime, scope: str, optional_scope: str) -> list[tuple[str, bool]]:
    offered: dict[str, bool] = {name: True for name in _split_scopes(scope)}
    optional = _split_scopes(optional_scope)
    for name, flag in zip(optional[::2], optional[1::2], strict=False):
        offered.setdefault(name, flag == "1")
    # Long-lived access needs renewals; the sandbox offers it ticked so demos keep working.
    if "renew_refresh_token" in runtime.config.app_scopes:
        offered.setdefault("renew_refresh_token", True)
    return list(offered.items())


@router.get("/platform/oauth/connect/", response_class=HTMLResponse)
async def authorize_page(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """The QR/app consent screen, as a page with a user picker and scope checkboxes."""
    params = request.query_params
    if params.get("client_key") != runtime.config.client_key:
        return HTMLResponse(pages.error_page(CLIENT_KEY_ERROR, "client_key错误"), status_code=400)
    redirect_uri = params.get("redirect_uri", "")
    if problem := _redirect_error(runtime, redirect_uri):
        return HTMLResponse(pages.error_page(BAD_REDIRECT_URI, problem), status_code=400)
    if params.get("response_type", "code") != "code":
        return HTMLResponse(pages.error_page(PARAM_ERROR, "response_type必须为code"), status_code=400)
    scopes = _page_scopes(runtime, params.get("scope", ""), params.get("optionalScope", ""))
    unknown = [name for name, _ in scopes if name not in runtime.config.app_scopes]
    if unknown or not scopes:
        message = f"scope权限非法: {','.join(unknown) or '(空)'}"
        return HTMLResponse(pages.error_page(UNSUPPORTED_SCOPE, message), status_code=400)
    html = pages.authorize_page(
        client_key=runtime.config.client_key,
        redirect_uri=redirect_uri,
        state=params.get("state", ""),
        users=[user for user in SANDBOX_USERS if user.authorizable],
        scopes=scopes,
    )
    return HTMLResponse(html)


@router.post("/platform/oauth/connect/", response_model=None)
async def authorize_submit(request: Request, runtime: RuntimeDep) -> RedirectResponse | HTMLResponse:
    """The person pressed 同意授权: record the grant, mint a code, send them back."""
    form = await request.form()
    client_key = str(form.get("client_key", ""))
    redirect_uri = str(form.get("redirect_uri", ""))
    state = str(form.get("state", ""))
    if client_key != runtime.config.client_key:
        return HTMLResponse(pages.error_page(CLIENT_KEY_ERROR, "client_key错误"), status_code=400)
    if problem := _redirect_error(runtime, redirect_uri):
        return HTMLResponse(pages.error_page(BAD_REDIRECT_URI, problem), status_code=400)
    user = USERS_BY_OPEN_ID.get(str(form.get("open_id", "")))
    if user is None or not user.authorizable:
        return HTMLResponse(pages.error_page(PARAM_ERROR, "请选择要授权的抖音账号"), status_code=400)
    scopes = [str(scope) for scope in form.getlist("scope")]
    if not scopes or any(scope not in runtime.config.app_scopes for scope in scopes):
        return HTMLResponse(pages.error_page(UNSUPPORTED_SCOPE, "scope权限非法"), status_code=400)

    code = grant_and_issue_code(runtime, user.open_id, scopes, redirect_uri)
    await runtime.store.save()
    granted = runtime.store.state.grants[user.open_id].scopes
    runtime.webhooks.emit("authorize", {"scopes": granted}, from_user_id=user.open_id)
    query = {"code": code} | ({"state": state} if state else {})
    return RedirectResponse(f"{redirect_uri.split('#', 1)[0]}?{urlencode(query)}", status_code=302)


def grantable(open_id: str, scopes: list[str]) -> list[str]:
    """What the user can grant of `scopes`: private messages are for enterprise accounts only, so a
    personal account's grant silently lacks them (as Douyin's page does not offer them)."""
    user = USERS_BY_OPEN_ID.get(open_id)
    if user is not None and user.enterprise:
        return scopes
    return [scope for scope in scopes if not scope.startswith(IM_SCOPE_PREFIX)]


def grant_and_issue_code(runtime: SandboxRuntime, open_id: str, scopes: list[str], redirect_uri: str) -> str:
    state = runtime.store.state
    now = runtime.now()
    scopes = grantable(open_id, scopes)
    state.grants[open_id] = Grant(open_id=open_id, scopes=scopes, granted_at=now)
    # Re-authorising invalidates the user's earlier, unused codes.
    for stale in [k for k, v in state.codes.items() if v.open_id == open_id or v.expires_at < now]:
        del state.codes[stale]
    code = ids.auth_code()
    state.codes[token_key(code)] = AuthCode(
        open_id=open_id, scopes=scopes, redirect_uri=redirect_uri, expires_at=now + runtime.config.code_ttl
    )
    return code


def issue_user_tokens(runtime: SandboxRuntime, open_id: str) -> dict[str, Any]:
    """A fresh act + rft pair, shaped like the `/oauth/access_token/` payload."""
    now, config = runtime.now(), runtime.config
    access, refresh = ids.access_token(), ids.refresh_token()
    state = runtime.store.state
    state.access_tokens[token_key(access)] = AccessToken(
        open_id=open_id, expires_at=now + config.access_token_ttl
    )
    state.refresh_tokens[token_key(refresh)] = RefreshToken(
        open_id=open_id, expires_at=now + config.refresh_token_ttl
    )
    return _token_payload(runtime, open_id, access, refresh, config.refresh_token_ttl)


def _token_payload(
    runtime: SandboxRuntime, open_id: str, access: str, refresh: str, refresh_left: float
) -> dict[str, Any]:
    expires_in: int | str = int(runtime.config.access_token_ttl)
    if runtime.config.numbers_as_strings:
        expires_in = str(expires_in)
    return {
        "access_token": access,
        "expires_in": expires_in,
        "refresh_token": refresh,
        "refresh_expires_in": max(int(refresh_left), 0),
        "open_id": open_id,
        "scope": ",".join(runtime.store.state.grants[open_id].scopes),
        "union_id": USERS_BY_OPEN_ID[open_id].union_id,
    }


@router.post("/oauth/access_token/")
async def access_token(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Exchange a single-use authorization code for act + rft."""
    params = await read_params(request)
    _require(params, "client_key", "client_secret", "code")
    _check_client(runtime, params, secret=True)
    if params.get("grant_type", "authorization_code") != "authorization_code":
        raise SandboxApiError(PARAM_ERROR, "grant_type错误", style="oauth")
    state = runtime.store.state
    record = state.codes.get(token_key(params["code"]))
    usable = record is not None and not record.used and record.expires_at > runtime.now()
    if record is None or not usable or record.open_id not in state.grants:
        raise SandboxApiError(CODE_EXPIRED, style="oauth")
    record.used = True
    payload = issue_user_tokens(runtime, record.open_id)
    await runtime.store.save()
    logger.info("issued user tokens for open_id %s", record.open_id)
    return envelopes.oauth_ok(payload, now=runtime.now())


def _live_refresh(runtime: SandboxRuntime, refresh: str) -> RefreshToken:
    state = runtime.store.state
    record = state.refresh_tokens.get(token_key(refresh))
    if record is None or record.expires_at <= runtime.now() or record.open_id not in state.grants:
        raise SandboxApiError(REFRESH_TOKEN_EXPIRED, style="oauth")
    return record


@router.post("/oauth/refresh_token/")
async def refresh_token(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """New access token; the refresh token and its expiry stay as they were."""
    params = await read_params(request)
    _require(params, "client_key", "refresh_token")
    _check_client(runtime, params, secret=False)
    record = _live_refresh(runtime, params["refresh_token"])
    access = ids.access_token()
    runtime.store.state.access_tokens[token_key(access)] = AccessToken(
        open_id=record.open_id, expires_at=runtime.now() + runtime.config.access_token_ttl
    )
    await runtime.store.save()
    left = record.expires_at - runtime.now()
    return envelopes.oauth_ok(
        _token_payload(runtime, record.open_id, access, params["refresh_token"], left), now=runtime.now()
    )


@router.post("/oauth/renew_refresh_token/")
async def renew_refresh_token(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Swap a refresh token for a new 30-day one, at most `max_refresh_renewals` times."""
    params = await read_params(request)
    _require(params, "client_key", "refresh_token")
    _check_client(runtime, params, secret=False)
    record = _live_refresh(runtime, params["refresh_token"])
    state = runtime.store.state
    if "renew_refresh_token" not in state.grants[record.open_id].scopes:
        raise SandboxApiError(NO_PERMISSION, "没有renew_refresh_token权限", style="oauth")
    if record.renewals >= runtime.config.max_refresh_renewals:
        raise SandboxApiError(RENEW_LIMIT, style="oauth")
    del state.refresh_tokens[token_key(params["refresh_token"])]
    renewed = ids.refresh_token()
    ttl = runtime.config.refresh_token_ttl
    state.refresh_tokens[token_key(renewed)] = RefreshToken(
        open_id=record.open_id, expires_at=runtime.now() + ttl, renewals=record.renewals + 1
    )
    await runtime.store.save()
    return envelopes.oauth_ok({"refresh_token": renewed, "expires_in": int(ttl)}, now=runtime.now())


@router.post("/oauth/client_token/")
async def client_token(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """App-level token; older tokens get a short grace period and only the latest two survive."""
    params = await read_params(request)
    _require(params, "client_key", "client_secret", "grant_type")
    _check_client(runtime, params, secret=True)
    if params["grant_type"] != "client_credential":
        raise SandboxApiError(PARAM_ERROR, "grant_type错误", style="oauth")
    now, config = runtime.now(), runtime.config
    tokens = runtime.store.state.client_tokens
    for key in sorted(tokens, key=lambda k: tokens[k].expires_at)[:-1]:
        del tokens[key]
    for record in tokens.values():
        record.expires_at = min(record.expires_at, now + config.client_token_grace)
    token = ids.client_token()
    tokens[token_key(token)] = ClientToken(expires_at=now + config.client_token_ttl)
    await runtime.store.save()
    return envelopes.oauth_ok(
        {"access_token": token, "expires_in": int(config.client_token_ttl)}, now=runtime.now()
    )


def check_client_token(runtime: SandboxRuntime, token: str | None) -> None:
    record = runtime.store.state.client_tokens.get(token_key(token)) if token else None
    if record is None:
        raise SandboxApiError(28001003)
    if record.expires_at <= runtime.now():
        raise SandboxApiError(28001008)


@router.api_route("/oauth/userinfo/", methods=["GET", "POST"])
async def userinfo(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Public profile of the token's user, in the newer err_no envelope."""
    params = await read_params(request)
    await runtime.faults.before_business_call(style="errno", endpoint=request.url.path)
    caller = check_user_token(
        runtime, params.get("access_token"), params.get("open_id"), "user_info", style="errno"
    )
    user = USERS_BY_OPEN_ID[caller.open_id]
    return envelopes.errno_ok(
        {
            "open_id": user.open_id,
            "union_id": user.union_id,
            "nickname": user.nickname,
            "avatar": user.avatar,
            "avatar_larger": user.avatar.replace("100x100", "1080x1080"),
            "e_account_role": user.e_account_role,
            "gender": user.gender,
            "country": "中国",
            "province": "",
            "city": user.city,
            "client_key": runtime.config.client_key,
        },
        now=runtime.now(),
    )
