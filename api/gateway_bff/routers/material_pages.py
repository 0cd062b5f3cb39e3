"""The page a customer opens from a shared material link (`/m/{token}`, no login: the token is the credential).

Made for a phone browser, in Chinese. It asks for the access code when the link has one (wrong guesses are
throttled per link and per IP address: 429 with a clear page), says clearly when the link or the material
expired, and otherwise shows the material: an image or a video inline, a text as text, a document with its
download button. Each open and each download is recorded and counts for the customer's score.
"""

from __future__ import annotations

import hmac
import html
import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from api.gateway_bff.deps import SessionDep, SettingsDep, StateDep, TemporalDep
from api.gateway_bff.guarded_route import GuardedRoute, body_limit
from douflow.content.material_shares import (
    ShareRepository,
    access_key,
    code_matches,
    find_link,
)
from douflow.content.materials import MaterialRepository, send_problem
from douflow.customers.journey_enrolment import tell_running
from douflow.db.base import utcnow
from douflow.db.material_tables import Material, MaterialShareEvent, MaterialShareLink, MaterialVersion
from models.journeys import JourneySignal

log = logging.getLogger(__name__)
router = APIRouter(prefix="/m", tags=["material pages"], route_class=GuardedRoute, include_in_schema=False)
COOKIE_PREFIX = "m_"
FORM_LIMIT = 4096

_STYLE = (
    "body{margin:0;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f6f6f6;"
    "color:#222}main{max-width:640px;margin:0 auto;padding:16px}h1{font-size:20px;margin:8px 0}"
    "p{line-height:1.6}img,video{max-width:100%;border-radius:8px}.card{background:#fff;border-radius:12px;"
    "padding:16px;margin:12px 0}.btn{display:block;text-align:center;background:#fe2c55;color:#fff;"
    "padding:12px;border-radius:8px;text-decoration:none;border:0;width:100%;font-size:16px}"
    "input{width:100%;box-sizing:border-box;padding:12px;font-size:16px;margin:8px 0;border:1px solid #ccc;"
    "border-radius:8px}.muted{color:#888;font-size:13px}pre{white-space:pre-wrap;font-family:inherit}"
)


def _page(title: str, body: str, code: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><main><div class="card">{body}</div></main></body></html>'
    )
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'",
    }
    return HTMLResponse(document, status_code=code, headers=headers)


def _notice(title: str, text: str, code: int) -> HTMLResponse:
    return _page(title, f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>", code)


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _usable(
    session: SessionDep, token: str
) -> tuple[MaterialShareLink, Material, MaterialVersion | None] | HTMLResponse:
    """The link with its material and version, or the page that says why it cannot be opened."""
    link = await find_link(session, token)
    if link is None or link.revoked:
        return _notice(
            "链接无效", "这个链接不存在或已被撤回，请联系商家重新获取。", status.HTTP_404_NOT_FOUND
        )
    now = utcnow()
    if link.expires_at <= now:
        return _notice("链接已过期", "这个资料链接已过有效期，请联系商家重新获取。", status.HTTP_410_GONE)
    repo = MaterialRepository(session, link.tenant_id)
    material = await repo.get(link.material_id)
    if material is None or send_problem(material, now) is not None:
        return _notice("资料已下架", "这份资料已过期或已下架，请联系商家获取最新资料。", status.HTTP_410_GONE)
    return link, material, await repo.version(material.id, link.version)


def _unlocked(request: Request, link: MaterialShareLink, secret: str) -> bool:
    if link.code_hash is None:
        return True
    given = request.cookies.get(COOKIE_PREFIX + link.token[:16], "")
    return hmac.compare_digest(given, access_key(link, secret))


def _code_form(token: str, message: str = "", code: int = 200) -> HTMLResponse:
    warning = f'<p style="color:#d00">{html.escape(message)}</p>' if message else ""
    return _page(
        "请输入访问码",
        f"<h1>请输入访问码</h1><p>这份资料需要访问码，请向商家获取。</p>{warning}"
        f'<form method="post" action="/m/{html.escape(token)}">'
        '<input name="code" inputmode="latin" autocomplete="off" maxlength="12" placeholder="访问码" required>'
        '<button class="btn" type="submit">查看资料</button></form>',
        code,
    )


def _material_body(token: str, material: Material, version: MaterialVersion | None) -> str:
    parts = [f"<h1>{html.escape(material.title)}</h1>"]
    if material.description:
        parts.append(f"<p>{html.escape(material.description)}</p>")
    file_url = f"/m/{html.escape(token)}/file"
    if version is not None and version.media_key is not None:
        if material.kind == "image":
            parts.append(f'<img src="{file_url}?inline=true" alt="{html.escape(material.title)}">')
        elif material.kind == "video":
            parts.append(f'<video src="{file_url}?inline=true" controls playsinline></video>')
        parts.append(f'<a class="btn" href="{file_url}">下载资料</a>')
    if version is not None and version.text:
        parts.append(f"<pre>{html.escape(version.text)}</pre>")
    if material.expires_at is not None:
        parts.append(f'<p class="muted">资料有效期至 {material.expires_at:%Y-%m-%d}</p>')
    return "".join(parts)


@router.get("/{token}", response_class=HTMLResponse)
async def open_material(
    token: str, request: Request, session: SessionDep, settings: SettingsDep, temporal: TemporalDep
) -> Response:
    """The material's page; each view is an open."""
    found = await _usable(session, token)
    if isinstance(found, HTMLResponse):
        return found
    link, material, version = found
    if not _unlocked(request, link, settings.jwt_secret.get_secret_value()):
        return _code_form(token)
    opened = await ShareRepository(session, link.tenant_id).record(
        link, "open", _ip(request), request.headers.get("user-agent", ""), utcnow()
    )
    await session.commit()
    await _tell_journeys(session, temporal, link.tenant_id, link.customer_id, opened)
    return _page(material.title, _material_body(token, material, version))


async def _tell_journeys(
    session: AsyncSession, temporal: Client, tenant_id: str, customer_id: str, opened: MaterialShareEvent
) -> None:
    """A journey deciding on "opened the material?" hears of it; the page opens even if Temporal cannot be
    reached (the open is recorded and scored either way)."""
    signal = JourneySignal(event="material_opened", at=opened.at, source_key=f"material_opened:{opened.id}")
    try:
        await tell_running(session, temporal, tenant_id, customer_id, signal)
    except RPCError as err:
        log.warning("journeys not told of material open %s: %s", opened.id, err.message)


@router.post("/{token}", response_class=HTMLResponse)
@body_limit(lambda settings: FORM_LIMIT)
async def enter_code(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The access code: right, the page opens (a cookie for this link); wrong, counted and throttled."""
    found = await _usable(session, token)
    if isinstance(found, HTMLResponse):
        return found
    link = found[0]
    shares = ShareRepository(session, link.tenant_id)
    now, ip = utcnow(), _ip(request)
    if not await shares.guesses_left(link, ip, now):
        return _notice(
            "尝试次数过多", "访问码错误次数过多，请 15 分钟后再试。", status.HTTP_429_TOO_MANY_REQUESTS
        )
    if not code_matches(link, code):
        await shares.record(link, "code_failed", ip, request.headers.get("user-agent", ""), now)
        await session.commit()
        return _code_form(token, "访问码不正确，请重试。", status.HTTP_403_FORBIDDEN)
    redirect = RedirectResponse(f"/m/{token}", status_code=status.HTTP_303_SEE_OTHER)
    redirect.set_cookie(
        COOKIE_PREFIX + link.token[:16],
        access_key(link, settings.jwt_secret.get_secret_value()),
        max_age=int((link.expires_at - now).total_seconds()),
        path=f"/m/{token}",
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.startswith("https://"),
    )
    return redirect


@router.get("/{token}/file", response_class=Response)
async def download_material(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    state: StateDep,
    inline: bool = False,
) -> Response:
    """The material's file; a download (not the page's inline image or video) is recorded."""
    found = await _usable(session, token)
    if isinstance(found, HTMLResponse):
        return found
    link, material, version = found
    if not _unlocked(request, link, settings.jwt_secret.get_secret_value()):
        return _code_form(token, code=status.HTTP_403_FORBIDDEN)
    if version is None or (version.media_key is None and not version.text):
        return _notice("没有可下载的文件", "这份资料没有附件。", status.HTTP_404_NOT_FOUND)
    if not inline:
        await ShareRepository(session, link.tenant_id).record(
            link, "download", _ip(request), request.headers.get("user-agent", ""), utcnow()
        )
        await session.commit()
    if version.media_key is None:
        name = f"{material.title}.txt"
        return Response(
            version.text or "",
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )
    name = version.file_name or f"{material.title}{state.media.path(version.media_key).suffix}"
    return FileResponse(
        state.media.path(version.media_key),
        media_type=version.mime_type,
        filename=name,
        content_disposition_type="inline" if inline else "attachment",
        headers={"Cache-Control": "private, no-store"},
    )
