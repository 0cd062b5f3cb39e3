"""The connector's account activities: code exchange, profile, token refresh and renewal (seed 7).

Tokens leave these activities only as SecretBox ciphertext, so Temporal's history never holds one.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.douyin.calls import ConnectorCalls
from activities.douyin.errors import DouyinError, DouyinReauthRequired
from activities.douyin.failures import douyin_failure
from activities.douyin.token_store import AccountUnavailable, TokenState
from douflow.db.base import utcnow
from douflow.temporal.errors import BINDING_OUTCOME_UNKNOWN
from models.douyin_accounts import AccountRef, BindingInput, DouyinProfile, ExchangedTokens, TokenStatus


def token_status(state: TokenState) -> TokenStatus:
    return TokenStatus(
        status=state.status,
        status_reason=state.status_reason,
        access_expires_at=state.access_expires_at,
        refresh_expires_at=state.refresh_expires_at,
        renewals_left=state.renewals_left,
    )


class AccountCalls(ConnectorCalls):
    """Binding and keeping an account's tokens alive."""

    @activity.defn
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
            raise douyin_failure(exc) from exc
        except DouyinError as exc:
            raise douyin_failure(exc) from exc
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

    @activity.defn
    async def fetch_douyin_profile(self, ref: AccountRef) -> DouyinProfile:
        """Nickname, avatar and account role through `/oauth/userinfo/` with the account's token."""
        info = await self._call(
            ref, lambda c: self._client.user_info(c.access_token, c.open_id), bounded=False
        )
        return DouyinProfile(
            nickname=info.nickname,
            avatar=info.avatar,
            account_role=info.e_account_role,
            union_id=info.union_id,
        )

    @activity.defn
    async def refresh_douyin_token(self, ref: AccountRef) -> TokenStatus:
        """A new access token; an account only the user can fix comes back with its status, not an error."""
        try:
            await self._tokens.refresh(ref.tenant_id, ref.account_id)
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)
        except DouyinError as exc:
            raise douyin_failure(exc) from exc
        return token_status(await self._tokens.state(ref.tenant_id, ref.account_id))

    @activity.defn
    async def renew_douyin_refresh_token(self, ref: AccountRef) -> TokenStatus:
        """A new refresh token (the old one dies); a lost reply surfaces as DouyinUnknownOutcome."""
        try:
            return token_status(await self._tokens.renew(ref.tenant_id, ref.account_id))
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)
        except DouyinError as exc:
            raise douyin_failure(exc) from exc

    @activity.defn
    async def read_douyin_token_status(self, ref: AccountRef) -> TokenStatus:
        try:
            return token_status(await self._tokens.state(ref.tenant_id, ref.account_id))
        except AccountUnavailable as exc:
            return TokenStatus(status=exc.status, status_reason=exc.reason)
