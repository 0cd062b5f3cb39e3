"""The connector's one activity class, and the one place its clients are built (once per worker)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.accounts import AccountCalls
from activities.douyin.calls import TokenSource
from activities.douyin.client import DouyinClient
from activities.douyin.comments import CommentCalls
from activities.douyin.messages import MessageCalls
from activities.douyin.metrics import MetricsCalls
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.publishing import PublishingCalls
from activities.douyin.token_store import TokenStore
from douflow.douyin.consent import redirect_uri
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings

# Enough for many accounts' uploads at once; each account is bounded by the limiter, not by the pool.
HTTP_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class DouyinActivities(AccountCalls, PublishingCalls, MetricsCalls, MessageCalls, CommentCalls):
    """Every activity of `DouyinConnector`, one group per area, sharing one client and token store."""

    def __init__(
        self,
        client: DouyinClient,
        tokens: TokenSource,
        *,
        http: httpx.AsyncClient,
        secretbox: SecretBox,
        oauth: Callable[[], DouyinOAuth],
        media: LocalMediaStore,
        limiter: AccountLimiter,
    ) -> None:
        super().__init__(client, tokens, secretbox=secretbox, oauth=oauth, media=media, limiter=limiter)
        self._http = http

    async def aclose(self) -> None:
        """Closes the HTTP client; the worker calls this on shutdown."""
        await self._http.aclose()


def build_douyin_activities(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> DouyinActivities:
    """One httpx client, one Douyin client and one token store for the whole worker process."""
    http = httpx.AsyncClient(limits=HTTP_LIMITS)  # no retry transport: Temporal owns retries
    secret = settings.douyin_client_secret.get_secret_value()
    client = DouyinClient(
        http,
        settings.douyin_base_url,
        settings.douyin_client_key,
        secret,
        simple_upload_threshold=settings.douyin_simple_upload_threshold_bytes,
        chunk_size=settings.douyin_upload_chunk_bytes,
    )
    box = SecretBox(settings.token_keyring)
    tokens = TokenStore(sessionmaker, box, client, required_scopes=settings.douyin_scopes)

    def oauth() -> DouyinOAuth:
        return DouyinOAuth(
            settings.douyin_base_url, settings.douyin_client_key, secret, redirect_uri(settings)
        )

    return DouyinActivities(
        client,
        tokens,
        http=http,
        secretbox=box,
        oauth=oauth,
        media=LocalMediaStore(settings.media_dir),
        limiter=AccountLimiter(settings.douyin_account_concurrency),
    )
