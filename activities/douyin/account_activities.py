"""delivery-connector-douyin activities for accounts: code exchange, profile, token refresh and renewal.

Tokens leave these activities only as SecretBox ciphertext, so Temporal's history never holds one.
Douyin failures become ApplicationErrors typed by their class (see errors.py); the workflows list
which types are not worth retrying.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.douyin.client import DouyinClient
from activities.douyin.errors import (
    DouyinError,
    DouyinRateLimited,
    DouyinReauthRequired,
    DouyinTokenExpired,
    DouyinTransientError,
)
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.token_store import AccountUnavailable, TokenState, TokenStore, build_token_store
from douflow.db.base import utcnow
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings
from models.douyin_accounts import AccountRef, BindingInput, DouyinProfile, ExchangedTokens, TokenStatus

logger = logging.getLogger(__name__)

# The code was spent by an earlier attempt whose reply never arrived: only a new binding helps.
BINDING_OUTCOME_UNKNOWN = "BindingOutcomeUnknown"


def application_error(exc: DouyinError) -> ApplicationError:
    """A Douyin failure as Temporal sees it: typed by class, retryable only when waiting can help."""
    retryable = isinstance(exc, DouyinTransientError)
    delay = timedelta(seconds=exc.retry_after) if isinstance(exc, DouyinRateLimited) else None
    return ApplicationError(
        str(exc),
        {"code": exc.code, "reason": getattr(exc, "reason", None)},
        type=type(exc).__name__,
        non_retryable=not retryable,
        next_retry_delay=delay,
    )


def token_status(state: TokenState) -> TokenStatus:
    return TokenStatus(
        status=state.status,
        status_reason=state.status_reason,
        access_expires_at=state.access_expires_at,
        refresh_expires_at=state.refresh_expires_at,
        renewals_left=state.renewals_left,
    )


class DouyinAccountActivities:
    def __init__(
        self,
        store: TokenStore,
        client: DouyinClient,
        secretbox: SecretBox,
        oauth: Callable[[], DouyinOAuth],
    ) -> None:
        self._store = store
        self._client = client
        self._box = secretbox
        self._oauth = oauth

    @activity.defn(name="exchange_douyin_code")
    async def exchange_douyin_code(self, binding: BindingInput) -> ExchangedTokens:
        """Code → tokens through authlib. The code is single-use: only failures before sending retry."""
        try:
            async with self._oauth() as oauth:
                token = await oauth.exchange_code(self._box.decrypt(binding.code_enc))
        except DouyinReauthRequired as exc:
            if activity.info().attempt > 1:
                raise ApplicationError(
                    "the authorization code was spent by an earlier attempt whose reply was lost; bind again",
                    type=BINDING_OUTCOME_UNKNOWN,
                    non_retryable=True,
                ) from exc
            raise application_error(exc) from exc
        except DouyinError as exc:
            raise application_error(exc) from exc
        now = utcnow()
        refresh_expires = (
            now + timedelta(seconds=token.refresh_expires_in) if token.refresh_expires_in else None
        )
        return ExchangedTokens(
            open_id=token.open_id,
            union_id=token.union_id,
            scopes=token.scopes,
            access_token_enc=self._box.encrypt(token.access_token),
            refresh_token_enc=self._box.encrypt(token.refresh_token) if token.refresh_token else "",
            access_expires_at=now + timedelta(seconds=token.expires_in),
            refresh_expires_at=refresh_expires,
        )

    @activity.defn(name="fetch_douyin_profile")
    async def fetch_douyin_profile(self, ref: AccountRef) -> DouyinProfile:
        """Nickname, avatar and account role through `/oauth/userinfo/` with the account's token."""
        try:
            credentials = await self._store.credentials(ref.tenant_id, ref.account_id)
            try:
                info = await self._client.user_info(credentials.access_token, credentials.open_id)
            except DouyinTokenExpired:
                credentials = await self._store.refresh(ref.tenant_id, ref.account_id)
                info = await self._client.user_info(credentials.access_token, credentials.open_id)
        except AccountUnavailable as exc:
            raise ApplicationError(str(exc), type="DouyinAccountUnavailable", non_retryable=True) from exc
        except DouyinError as exc:
            raise application_error(exc) from exc
        return DouyinProfile(
            nickname=info.nickname,
            avatar=info.avatar,
            account_role=info.e_account_role,
            union_id=info.union_id,
        )

    @activity.defn(name="refresh_douyin_token")
    async def refresh_douyin_token(self, ref: AccountRef) -> TokenStatus:
        """A new access token; an account only the user can fix comes back with its status, not an error."""
        try:
            await self._store.refresh(ref.tenant_id, ref.account_id)
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)
        except DouyinError as exc:
            raise application_error(exc) from exc
        return token_status(await self._store.state(ref.tenant_id, ref.account_id))

    @activity.defn(name="renew_douyin_refresh_token")
    async def renew_douyin_refresh_token(self, ref: AccountRef) -> TokenStatus:
        """A new refresh token (the old one dies); a lost reply surfaces as DouyinUnknownOutcome."""
        try:
            return token_status(await self._store.renew(ref.tenant_id, ref.account_id))
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)
        except DouyinError as exc:
            raise application_error(exc) from exc

    @activity.defn(name="read_douyin_token_status")
    async def read_douyin_token_status(self, ref: AccountRef) -> TokenStatus:
        try:
            return token_status(await self._store.state(ref.tenant_id, ref.account_id))
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)


@dataclass
class DouyinConnector:
    """The connector's shared clients, built once per worker process and closed on shutdown."""

    http: httpx.AsyncClient
    client: DouyinClient
    token_store: TokenStore
    accounts: DouyinAccountActivities

    def account_activities(self) -> list[Callable[..., object]]:
        a = self.accounts
        return [
            a.exchange_douyin_code,
            a.fetch_douyin_profile,
            a.refresh_douyin_token,
            a.renew_douyin_refresh_token,
            a.read_douyin_token_status,
        ]

    async def aclose(self) -> None:
        await self.http.aclose()


def redirect_uri(settings: Settings) -> str:
    return settings.public_base_url.rstrip("/") + settings.douyin_oauth_callback_path


def oauth_factory(settings: Settings) -> Callable[[], DouyinOAuth]:
    def build() -> DouyinOAuth:
        return DouyinOAuth(
            settings.douyin_base_url,
            settings.douyin_client_key,
            settings.douyin_client_secret.get_secret_value(),
            redirect_uri(settings),
        )

    return build


def build_douyin_connector(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> DouyinConnector:
    http = httpx.AsyncClient()
    client = DouyinClient(
        http,
        settings.douyin_base_url,
        settings.douyin_client_key,
        settings.douyin_client_secret.get_secret_value(),
    )
    box = SecretBox(settings.encryption_key.get_secret_value())
    store = build_token_store(settings, sessionmaker, client)
    accounts = DouyinAccountActivities(store, client, box, oauth_factory(settings))
    return DouyinConnector(http=http, client=client, token_store=store, accounts=accounts)
