"""Group-robot webhooks (seed 16): the message each robot accepts, signed where it signs, and which targets may
be posted to.

- WeCom: `{"msgtype": "markdown", "markdown": {"content": ...}}` (content at most 4096 bytes); no signature.
- Feishu: `{"msg_type": "text", "content": {"text": ...}}` plus `timestamp` (seconds) and `sign` =
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")) in the body when the robot has a secret.
- DingTalk: `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`; with a secret the URL gets
  `timestamp` (milliseconds) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))).

A target must be https on a public address: the host is resolved and every address it resolves to is checked,
so a name pointing at a private, loopback or link-local address is refused too (unless private targets are
allowed, as in development and tests).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus, urlsplit

from models.notifications import NotificationItem, WebhookKind

WECOM_MAX_BYTES = 4096
FEISHU_MAX_CHARS = 4000
DINGTALK_MAX_CHARS = 4000
ITEM_BODY_CHARS = 120


class TargetRefused(ValueError):
    """The URL may not be posted to; the message says why."""


def check_url(url: str, allow_private: bool) -> str:
    """The URL's host, when its form is acceptable (https, a host, no credentials); else TargetRefused."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (reading it raises on a port that is not a number in range)
    except ValueError as exc:
        raise TargetRefused(f"url is not a valid URL ({exc})") from exc
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise TargetRefused(f"url must use {' or '.join(allowed)}")
    if not parts.hostname:
        raise TargetRefused("url has no host")
    if parts.username or parts.password:
        raise TargetRefused("url must not carry credentials")
    return parts.hostname


def refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def check_target(url: str, allow_private: bool) -> None:
    """Refuses a URL whose form is wrong or whose host resolves to an address that is not public."""
    host = check_url(url, allow_private)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"host {host} does not resolve") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise TargetRefused(f"host {host} does not resolve")
    if bad := [a for a in addresses if refused_address(a)]:
        raise TargetRefused(f"host {host} resolves to a private, loopback or link-local address ({bad[0]})")


def feishu_sign(secret: str, timestamp: int) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of the HMAC, before URL encoding (the query string encodes it)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def title_of(items: Sequence[NotificationItem]) -> str:
    return items[0].title if len(items) == 1 else f"DouFlow：{len(items)} 条新通知"


def lines_of(items: Sequence[NotificationItem], base_url: str, *, markdown: bool) -> list[str]:
    lines = []
    for item in items:
        body = item.body.strip().replace("\n", " ")
        body = body if len(body) <= ITEM_BODY_CHARS else body[:ITEM_BODY_CHARS] + "…"
        link = f"{base_url.rstrip('/')}{item.link}" if item.link.startswith("/") else item.link
        if markdown:
            head = f"- **{item.title}**"
            tail = f" [查看]({link})" if link else ""
        else:
            head, tail = f"· {item.title}", f" {link}" if link else ""
        lines.append(head + (f"：{body}" if body else "") + tail)
    return lines


def message(
    kind: WebhookKind,
    url: str,
    secret: str | None,
    items: Sequence[NotificationItem],
    now: datetime,
    base_url: str,
) -> tuple[str, dict[str, Any]]:
    """The URL to post to and the JSON body, for the robot's kind."""
    title = title_of(items)
    if kind == "wecom":
        content = _fit(
            "\n".join([f"**{title}**", *lines_of(items, base_url, markdown=True)]), WECOM_MAX_BYTES
        )
        return url, {"msgtype": "markdown", "markdown": {"content": content}}
    if kind == "feishu":
        text = "\n".join([title, *lines_of(items, base_url, markdown=False)])[:FEISHU_MAX_CHARS]
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if secret:
            timestamp = int(now.timestamp())
            body |= {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
        return url, body
    text = "\n".join([f"#### {title}", *lines_of(items, base_url, markdown=True)])[:DINGTALK_MAX_CHARS]
    body = {"msgtype": "markdown", "markdown": {"title": title[:60], "text": text}}
    if secret:
        millis = int(now.timestamp() * 1000)
        glue = "&" if urlsplit(url).query else "?"
        url = f"{url}{glue}timestamp={millis}&sign={quote_plus(dingtalk_sign(secret, millis))}"
    return url, body


def accepted(kind: WebhookKind, payload: Any) -> str | None:
    """None when the robot's answer says it took the message; else what it said."""
    if not isinstance(payload, dict):
        return None
    code = payload.get("code", payload.get("StatusCode")) if kind == "feishu" else payload.get("errcode")
    if code in (None, 0):
        return None
    reason = payload.get("msg") or payload.get("errmsg") or payload.get("StatusMessage") or ""
    return f"{code} {reason}".strip()


def _fit(text: str, max_bytes: int) -> str:
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode(errors="ignore") + "…"
