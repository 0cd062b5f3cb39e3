"""The connector's credential store: decrypted tokens for a call, refresh and renewal written back encrypted.

Every activity that calls Douyin on behalf of an account gets its token here, and every refresh goes
through here, so the rules live in one place: a transient failure never changes an account's status,
and an answer that only the user can fix marks the account `needs_reconnect` once, with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.douyin.client import DouyinClient
from activities.douyin.errors import DouyinReauthRequired
from douflow.db.base import utcnow
from douflow.db.tables import AuditEvent, DouyinAccount
from douflow.security.secretbox import SecretBox
from models.douyin_accounts import USABLE

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
# An access token this close to expiry is refreshed before use rather than failing mid-call.
FRESHNESS_MARGIN = timedelta(seconds=60)


class AccountUnavailable(Exception):
    """The account cannot be used until a person acts (reconnect, rebind); retrying will not help."""

    def __init__(self, account_id: str, status: str, reason: str) -> None:
        super().__init__(f"douyin account {account_id} is {status}: {reason}")
        self.account_id = account_id
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Credentials:
    """What a Douyin call needs; the token is kept out of repr so it cannot reach a log by accident."""

    account_id: str
    open_id: str
    access_token: str = field(repr=False)
    scopes: list[str]
    status: str
    access_expires_at: datetime | None = None


@dataclass(frozen=True)
class TokenState:
    """Expiries and renewals, without any token: what the token workflow plans its timers from."""

    account_id: str
    status: str
    status_reason: str | None
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    renewals_left: int


class TokenStore:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        secretbox: SecretBox,
        client: DouyinClient,
        *,
        required_scopes: Collection[str] = (),
    ) -> None:
        self._sessionmaker = sessionmaker
        self._box = secretbox
        self._client = client
        # Losing one of these (the user revoked it in Douyin) needs a new authorisation.
        self._required_scopes = frozenset(required_scopes)

    async def credentials(self, tenant_id: str, account_id: str) -> Credentials:
        """The stored access token, as is; raises AccountUnavailable for an account that cannot be used."""
        account = await self._usable(tenant_id, account_id)
        if not account.access_token_enc:
            raise AccountUnavailable(account_id, account.status, "no access token stored")
        return self._credentials(account, self._box.decrypt(account.access_token_enc))

    async def fresh_credentials(self, tenant_id: str, account_id: str) -> Credentials:
        """Like `credentials`, refreshing first when the access token is expired or about to be."""
        credentials = await self.credentials(tenant_id, account_id)
        expires = credentials.access_expires_at
        if expires is not None and expires - FRESHNESS_MARGIN > utcnow():
            return credentials
        return await self.refresh(tenant_id, account_id)

    async def refresh(self, tenant_id: str, account_id: str) -> Credentials:
        """A new access token through `/oauth/refresh_token/`, stored encrypted.

        Transient errors propagate untouched (status unchanged). DouyinReauthRequired marks the account
        `needs_reconnect` once and raises AccountUnavailable, unless the refresh token was renewed
        concurrently, in which case the refresh is tried again with the new one.
        """
        account = await self._usable(tenant_id, account_id)
        for attempt in (1, 2):
            refresh_enc = account.refresh_token_enc
            if not refresh_enc:
                await self.mark_needs_reconnect(tenant_id, account_id, "no refresh token stored")
                raise AccountUnavailable(account_id, "needs_reconnect", "no refresh token stored")
            try:
                token = await self._client.refresh_access_token(self._box.decrypt(refresh_enc))
            except DouyinReauthRequired as exc:
                latest = await self._usable(tenant_id, account_id)
                if attempt == 1 and latest.refresh_token_enc != refresh_enc:
                    account = latest
                    continue
                await self.mark_needs_reconnect(tenant_id, account_id, exc.reason)
                raise AccountUnavailable(account_id, "needs_reconnect", exc.reason) from exc
            break
        now = utcnow()
        values: dict[str, object] = {
            "access_token_enc": self._box.encrypt(token.access_token),
            "access_expires_at": now + timedelta(seconds=token.expires_in),
        }
        if token.refresh_expires_in > 0:
            values["refresh_expires_at"] = now + timedelta(seconds=token.refresh_expires_in)
        if token.scopes:
            values["scopes"] = token.scopes
        await self._store(tenant_id, account_id, values)
        if lost := sorted(
            (self._required_scopes & set(account.scopes)) - set(token.scopes or account.scopes)
        ):
            reason = f"scope_revoked: {','.join(lost)}"
            await self.mark_needs_reconnect(tenant_id, account_id, reason)
            raise AccountUnavailable(account_id, "needs_reconnect", reason)
        logger.info("refreshed access token of douyin account %s", account_id)
        return await self.credentials(tenant_id, account_id)

    async def renew(self, tenant_id: str, account_id: str) -> TokenState:
        """A new refresh token through `/oauth/renew_refresh_token/` (the old one dies), stored encrypted.

        Not idempotent: DouyinUnknownOutcome propagates for the caller to reconcile.
        """
        account = await self._usable(tenant_id, account_id)
        if not account.refresh_token_enc:
            await self.mark_needs_reconnect(tenant_id, account_id, "no refresh token stored")
            raise AccountUnavailable(account_id, "needs_reconnect", "no refresh token stored")
        try:
            renewed = await self._client.renew_refresh_token(self._box.decrypt(account.refresh_token_enc))
        except DouyinReauthRequired as exc:
            await self.mark_needs_reconnect(tenant_id, account_id, exc.reason)
            raise AccountUnavailable(account_id, "needs_reconnect", exc.reason) from exc
        values: dict[str, object] = {
            "refresh_token_enc": self._box.encrypt(renewed.refresh_token),
            "refresh_expires_at": utcnow() + timedelta(seconds=renewed.expires_in),
            "renewals_left": max(account.renewals_left - 1, 0),
        }
        await self._store(tenant_id, account_id, values)
        logger.info("renewed refresh token of douyin account %s", account_id)
        return await self.state(tenant_id, account_id)

    async def state(self, tenant_id: str, account_id: str) -> TokenState:
        """Expiries and status of any account (also unusable ones), never a token."""
        account = await self._load(tenant_id, account_id)
        if account is None:
            raise AccountUnavailable(account_id, "missing", "account not found")
        return TokenState(
            account_id=account.id,
            status=account.status,
            status_reason=account.status_reason,
            access_expires_at=account.access_expires_at,
            refresh_expires_at=account.refresh_expires_at,
            renewals_left=account.renewals_left,
        )

    async def mark_needs_reconnect(self, tenant_id: str, account_id: str, reason: str) -> bool:
        """Moves a usable account to `needs_reconnect`; true only for the call that changed it (once)."""
        async with self._sessionmaker() as session:
            result = await session.execute(
                update(DouyinAccount)
                .where(
                    DouyinAccount.id == account_id,
                    DouyinAccount.tenant_id == tenant_id,
                    DouyinAccount.status.in_(USABLE),
                )
                .values(status="needs_reconnect", status_reason=reason, updated_at=utcnow())
            )
            changed = bool(getattr(result, "rowcount", 0))
            if changed:
                session.add(
                    AuditEvent(
                        tenant_id=tenant_id,
                        actor_id=SYSTEM_ACTOR,
                        action="douyin_account.needs_reconnect",
                        object_type="douyin_account",
                        object_id=account_id,
                        detail={"reason": reason},
                    )
                )
            await session.commit()
        if changed:
            logger.warning("douyin account %s needs reconnecting: %s", account_id, reason)
        return changed

    # -- helpers ---------------------------------------------------------------------------------

    async def _load(self, tenant_id: str, account_id: str) -> DouyinAccount | None:
        async with self._sessionmaker() as session:
            return await session.scalar(
                select(DouyinAccount).where(
                    DouyinAccount.id == account_id, DouyinAccount.tenant_id == tenant_id
                )
            )

    async def _usable(self, tenant_id: str, account_id: str) -> DouyinAccount:
        account = await self._load(tenant_id, account_id)
        if account is None:
            raise AccountUnavailable(account_id, "missing", "account not found")
        if account.status not in USABLE:
            raise AccountUnavailable(account_id, account.status, account.status_reason or account.status)
        return account

    async def _store(self, tenant_id: str, account_id: str, values: dict[str, object]) -> None:
        """Writes new token fields only while the account is usable: an unbind wins over a refresh."""
        async with self._sessionmaker() as session:
            result = await session.execute(
                update(DouyinAccount)
                .where(
                    DouyinAccount.id == account_id,
                    DouyinAccount.tenant_id == tenant_id,
                    DouyinAccount.status.in_(USABLE),
                )
                .values(**values, updated_at=utcnow())
            )
            await session.commit()
        if not getattr(result, "rowcount", 0):
            current = await self._load(tenant_id, account_id)
            status = current.status if current else "missing"
            raise AccountUnavailable(account_id, status, "account changed while its token was refreshed")

    @staticmethod
    def _credentials(account: DouyinAccount, access_token: str) -> Credentials:
        return Credentials(
            account_id=account.id,
            open_id=account.open_id,
            access_token=access_token,
            scopes=list(account.scopes or []),
            status=account.status,
            access_expires_at=account.access_expires_at,
        )
