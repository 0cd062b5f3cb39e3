"""The cookie that ties a Douyin account binding to the browser that opened its bind link.

The BFF keeps only the cookie's SHA-256; Douyin's callback must come back with the cookie itself, so a
consent link passed to someone else's browser cannot finish a binding into the operator's tenant.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.responses import Response

from douflow.douyin.consent import redirect_uri
from douflow.settings import Settings

COOKIE_PREFIX = "douflow_bind_"


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(browser_secret: str) -> str:
    return hashlib.sha256(browser_secret.encode()).hexdigest()


def matches(browser_hash: str | None, browser_secret: str | None) -> bool:
    if browser_hash is None or not browser_secret:
        return False
    return hmac.compare_digest(browser_hash, digest(browser_secret))


def cookie_name(state: str) -> str:
    """One cookie per binding, so two bindings started in one browser do not overwrite each other."""
    return COOKIE_PREFIX + hashlib.sha256(state.encode()).hexdigest()[:16]


def set_browser_cookie(
    response: Response, settings: Settings, state: str, browser_secret: str, lifetime: timedelta
) -> None:
    callback = urlsplit(redirect_uri(settings))
    response.set_cookie(
        cookie_name(state),
        browser_secret,
        max_age=int(lifetime.total_seconds()),
        path=callback.path,
        secure=callback.scheme == "https",
        httponly=True,
        # Lax: sent on the top-level redirect back from Douyin, never on a cross-site subrequest.
        samesite="lax",
    )


def clear_browser_cookie(response: Response, settings: Settings, state: str) -> None:
    callback = urlsplit(redirect_uri(settings))
    response.delete_cookie(
        cookie_name(state),
        path=callback.path,
        secure=callback.scheme == "https",
        httponly=True,
        samesite="lax",
    )
