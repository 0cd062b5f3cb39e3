"""What every connector activity shares: its clients, and one way to call Douyin for an account.

A call refreshes an expired access token once (under the account's refresh lock, so a burst refreshes once)
and leaves with a typed ApplicationError (failures.douyin_failure). Publishing calls also run within the
account's bounds (AccountLimiter) and heartbeat, so a killed worker shows in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

from temporalio import activity

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.client import DouyinClient
from activities.douyin.contract import DouyinConnector
from activities.douyin.errors import DouyinError, DouyinRateLimited, DouyinTokenExpired
from activities.douyin.failures import douyin_failure
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.token_store import AccountUnavailable, Credentials, TokenState
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from models.douyin_accounts import AccountRef

log = logging.getLogger(__name__)
T = TypeVar("T")

HEARTBEAT_EVERY_SECONDS = 1.0


class TokenSource(Protocol):
    """What the activities need from activities.douyin.token_store.TokenStore."""

    async def credentials(self, tenant_id: str, account_id: str) -> Credentials: ...

    async def fresh_credentials(self, tenant_id: str, account_id: str) -> Credentials: ...

    async def refresh(self, tenant_id: str, account_id: str) -> Credentials: ...

    async def renew(self, tenant_id: str, account_id: str) -> TokenState: ...

    async def state(self, tenant_id: str, account_id: str) -> TokenState: ...


class ConnectorCalls(DouyinConnector):
    """The base of the connector's activity groups (accounts, publishing, metrics)."""

    def __init__(
        self,
        client: DouyinClient,
        tokens: TokenSource,
        *,
        secretbox: SecretBox,
        oauth: Callable[[], DouyinOAuth],
        media: LocalMediaStore,
        limiter: AccountLimiter,
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._box = secretbox
        self._oauth = oauth
        self._media = media
        self._limiter = limiter

    async def _call(
        self, account: AccountRef, call: Callable[[Credentials], Awaitable[T]], *, bounded: bool = True
    ) -> T:
        """One Douyin call for an account; an expired token is refreshed once and the call repeated.

        A bounded call (publishing) holds one of the account's slots, heartbeats, and pauses the account on a
        rate limit; a read that uploads nothing (a metrics page, the profile) never queues behind uploads.
        """
        try:
            # Under the refresh lock, so parallel calls near expiry refresh the token once, not each.
            async with self._limiter.refresh_lock(account.account_id):
                credentials = await self._tokens.fresh_credentials(account.tenant_id, account.account_id)
            async with self._bounds(account, bounded):
                try:
                    return await call(credentials)
                except DouyinTokenExpired:
                    # The platform refused the call, so repeating it (even a create) is safe.
                    credentials = await self._refresh(account, credentials)
                    return await call(credentials)
        except DouyinRateLimited as exc:
            if bounded:
                self._limiter.pause(account.account_id, exc.retry_after)
            raise douyin_failure(exc) from exc
        except (DouyinError, AccountUnavailable) as exc:
            raise douyin_failure(exc) from exc

    @contextlib.asynccontextmanager
    async def _bounds(self, account: AccountRef, bounded: bool) -> AsyncIterator[None]:
        if not bounded:
            yield
            return
        async with _heartbeating(), self._limiter.slot(account.account_id):
            yield

    async def _refresh(self, account: AccountRef, stale: Credentials) -> Credentials:
        async with self._limiter.refresh_lock(account.account_id):
            current = await self._tokens.credentials(account.tenant_id, account.account_id)
            if current.access_token != stale.access_token:
                return current  # another call refreshed while this one waited
            log.info("access token of douyin account %s expired mid-call; refreshing", account.account_id)
            return await self._tokens.refresh(account.tenant_id, account.account_id)


@contextlib.asynccontextmanager
async def _heartbeating() -> AsyncIterator[None]:
    """Heartbeats while a call runs, so a killed worker is noticed in seconds, not at the call timeout."""

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(HEARTBEAT_EVERY_SECONDS)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
