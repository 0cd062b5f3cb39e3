"""The consent page a person opens to authorise an account, and where Douyin sends their browser back.

The link an operator opens is the BFF's bind link: it ties the binding to that browser and only then
redirects to Douyin's consent page, whose `state` the callback accepts from that browser alone.

Douyin bends OAuth 2.0 here: `client_key` instead of `client_id`, comma-separated scopes, and an
`optionalScope` list of scopes the person may untick. The code exchange itself is the connector's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri

from douflow.settings import Settings

AUTHORIZE_PATH = "/platform/oauth/connect/"
BIND_LINK_PATH = "/api/v1/douyin/oauth/start"


def redirect_uri(settings: Settings) -> str:
    """The BFF's callback, which must be registered in the Douyin console."""
    return settings.public_base_url.rstrip("/") + settings.douyin_oauth_callback_path


def bind_link(settings: Settings, state: str) -> str:
    """The BFF's link that opens a new binding in the browser that follows it."""
    return settings.public_base_url.rstrip("/") + BIND_LINK_PATH + "?" + urlencode({"state": state})


def authorize_url(
    base_url: str,
    client_key: str,
    redirect_to: str,
    scopes: Sequence[str],
    state: str,
    optional_scopes: Mapping[str, bool] | None = None,
) -> str:
    """The `/platform/oauth/connect/` URL; `optional_scopes` maps scope → pre-ticked."""
    url: str = prepare_grant_uri(
        base_url.rstrip("/") + AUTHORIZE_PATH,
        client_key,
        "code",
        redirect_uri=redirect_to,
        scope=",".join(scopes),
        state=state,
    )
    parts = urlsplit(url)
    query = [("client_key" if k == "client_id" else k, v) for k, v in parse_qsl(parts.query)]
    if optional_scopes:
        flags = ",".join(f"{scope},{int(ticked)}" for scope, ticked in optional_scopes.items())
        query.append(("optionalScope", flags))
    return urlunsplit(parts._replace(query=urlencode(query)))


def consent_url(settings: Settings, state: str) -> str:
    """The deployment's consent URL for a new binding identified by `state`."""
    return authorize_url(
        settings.douyin_base_url,
        settings.douyin_client_key,
        redirect_uri(settings),
        settings.douyin_scopes,
        state,
        settings.douyin_optional_scopes or None,
    )
