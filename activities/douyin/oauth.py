"""Douyin's code exchange on authlib's `AsyncOAuth2Client` (the consent URL is douflow.douyin.consent's).

Douyin bends OAuth 2.0 in two ways here, each handled through an authlib extension point:
- a custom token-endpoint auth method putting `client_key` + `client_secret` in the form body;
- the token response wrapped in `{"data": {...}, "message": ...}` with errors as HTTP 200, which an
  `access_token_response` compliance hook unwraps or turns into a `DouyinError`.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.common.urls import url_decode
from authlib.integrations.httpx_client import AsyncOAuth2Client

from activities.douyin.client import OAuthToken
from activities.douyin.envelope import as_int, parse_envelope
from activities.douyin.errors import DouyinTransientError, DouyinUnknownOutcome, error_for_code

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/access_token/"
AUTH_METHOD = "douyin_client_key_post"
TOKEN_TIMEOUT = 10.0


def _client_key_post(client: Any, method: str, uri: str, headers: Any, body: Any) -> tuple[str, Any, str]:
    """Token-endpoint auth: credentials as `client_key` / `client_secret` form fields."""
    text = body.decode() if isinstance(body, bytes) else (body or "")
    params = [(k, v) for k, v in url_decode(text) if k not in ("client_id", "client_secret")]
    params += [("client_key", client.client_id), ("client_secret", client.client_secret or "")]
    encoded = urlencode(params)
    headers["Content-Length"] = str(len(encoded))
    return uri, headers, encoded


def _unwrap_token_response(response: httpx2.Response) -> httpx2.Response:
    """Compliance hook: map Douyin errors to DouyinError, hand authlib a plain RFC 6749 body."""
    if response.status_code >= 500:
        # The code may already be spent; repeating the exchange cannot be assumed safe.
        raise DouyinUnknownOutcome(f"{TOKEN_PATH}: HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError as exc:
        raise DouyinUnknownOutcome(f"{TOKEN_PATH}: unreadable body (HTTP {response.status_code})") from exc
    envelope = parse_envelope(payload)
    if envelope.code != 0:
        raise error_for_code(envelope.code, envelope.message, envelope.log_id, operation="oauth_code")
    token: dict[str, Any] = dict(envelope.data) | {"token_type": "Bearer"}
    for field in ("expires_in", "refresh_expires_in"):
        if (number := as_int(token.get(field))) is not None:
            token[field] = number
    return httpx2.Response(200, json=token, request=response.request)


class DouyinOAuth:
    """Exchanges the code the consent page returned; use `async with` or `aclose()`."""

    def __init__(
        self,
        base_url: str,
        client_key: str,
        client_secret: str,
        redirect_uri: str,
        *,
        timeout: float = TOKEN_TIMEOUT,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._client = AsyncOAuth2Client(
            client_id=client_key,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            token_endpoint_auth_method=AUTH_METHOD,
            timeout=timeout,
        )
        self._client.register_client_auth_method((AUTH_METHOD, _client_key_post))
        self._client.register_compliance_hook("access_token_response", _unwrap_token_response)

    async def exchange_code(self, code: str) -> OAuthToken:
        """Code → act + rft. A code is single-use: transport failures after sending are unknown outcomes."""
        try:
            token = await self._client.fetch_token(
                self._base_url + TOKEN_PATH, code=code, grant_type="authorization_code"
            )
        except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout) as exc:
            raise DouyinTransientError(f"{TOKEN_PATH}: {type(exc).__name__}") from exc
        except httpx2.TransportError as exc:
            raise DouyinUnknownOutcome(f"{TOKEN_PATH}: reply lost ({type(exc).__name__})") from exc
        logger.info("exchanged authorization code for open_id %s", token.get("open_id"))
        return OAuthToken.model_validate(dict(token))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> DouyinOAuth:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
