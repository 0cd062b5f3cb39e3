"""Tenant-scoped reads of bound Douyin accounts and their health; flushes but never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.tables import DouyinAccount

# An access token this close to expiry, with no way to refresh it, is worth a warning.
ACCESS_WARNING = timedelta(hours=1)
# A refresh token this close to expiry, with no renewal left, means the user must reconnect soon.
REFRESH_WARNING = timedelta(days=7)
STORED_HEALTH = frozenset({"needs_reconnect", "revoked", "unbound"})


def account_health(account: DouyinAccount, now: datetime) -> str:
    """ok | expiring | needs_reconnect | revoked | unbound, from the stored status and the expiries."""
    if account.status in STORED_HEALTH:
        return account.status
    access, refresh = account.access_expires_at, account.refresh_expires_at
    if refresh is not None:
        if account.renewals_left <= 0 and refresh - now < REFRESH_WARNING:
            return "expiring"
        if access is not None and access - now < ACCESS_WARNING and refresh <= access:
            return "expiring"
    return "ok"


class DouyinAccountRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, account_id: str) -> DouyinAccount | None:
        return await self._session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.id == account_id, DouyinAccount.tenant_id == self._tenant_id
            )
        )

    async def by_open_id(self, open_id: str) -> DouyinAccount | None:
        return await self._session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.open_id == open_id, DouyinAccount.tenant_id == self._tenant_id
            )
        )

    async def list(self, *, include_unbound: bool = False) -> Sequence[DouyinAccount]:
        stmt = select(DouyinAccount).where(DouyinAccount.tenant_id == self._tenant_id)
        if not include_unbound:
            stmt = stmt.where(DouyinAccount.status != "unbound")
        rows = await self._session.scalars(stmt.order_by(DouyinAccount.bound_at.desc(), DouyinAccount.id))
        return rows.all()

    def add(self, account: DouyinAccount) -> None:
        if account.tenant_id != self._tenant_id:
            raise ValueError("row belongs to another tenant")
        self._session.add(account)
