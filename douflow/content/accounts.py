"""Bound Douyin accounts: tenant-scoped reads, their health, and the one rule of whether one can publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.tables import DouyinAccount
from models.douyin_accounts import RELEASED, USABLE, CustomerServiceReadiness

# An access token this close to expiry, with no way to refresh it, is worth a warning.
ACCESS_WARNING = timedelta(hours=1)
# A refresh token this close to expiry, with no renewal left, means the user must reconnect soon.
REFRESH_WARNING = timedelta(days=7)
STORED_HEALTH = frozenset({"needs_reconnect", "revoked", "unbound"})
# Publishing on the account's behalf needs this scope granted (douyin-openapi.md, video.create.bind).
PUBLISH_SCOPE = "video.create.bind"
# Customer conversations: private messages are the core; comments and like/follow events complete them.
MESSAGE_SCOPE = "im.direct_message"
CUSTOMER_SCOPES = (MESSAGE_SCOPE, "item.comment", "user.intention")


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


def publish_problem(account: DouyinAccount | None, account_id: str, now: datetime) -> str | None:
    """Why this account cannot publish now, in words an operator acts on; None when it can.

    The one answer for `/publish`, the calendar (when an entry is made and when it fires) and replication.
    """
    if account is None:
        return f"douyin account {account_id} not found: bind it again and reschedule"
    name = account.nickname or account.id
    health = account_health(account, now)
    if health not in USABLE:
        detail = f" ({account.status_reason})" if account.status_reason else ""
        return f"douyin account {name} is {health}{detail}: reconnect it to publish"
    if PUBLISH_SCOPE not in (account.scopes or []):
        return f"douyin account {name} did not grant {PUBLISH_SCOPE}: reconnect it allowing publishing"
    return None


def customer_service_readiness(account: DouyinAccount, now: datetime) -> CustomerServiceReadiness:
    """Ready when the account is usable and granted private messages; the other scopes missing are named
    (a partial service), and the reason says what an operator does about it."""
    granted = set(account.scopes or [])
    missing = [scope for scope in CUSTOMER_SCOPES if scope not in granted]
    health = account_health(account, now)
    if health not in USABLE:
        return CustomerServiceReadiness(
            ready=False, missing_scopes=missing, reason=f"account is {health}: reconnect it"
        )
    if MESSAGE_SCOPE in missing:
        who = "" if account.account_role else " (private messages need an enterprise account, 企业号)"
        reason = f"{MESSAGE_SCOPE} not granted{who}: re-authorise the account allowing private messages"
        return CustomerServiceReadiness(ready=False, missing_scopes=missing, reason=reason)
    if missing:
        reason = f"partial: {', '.join(missing)} not granted; re-authorise the account to add them"
        return CustomerServiceReadiness(ready=True, missing_scopes=missing, reason=reason)
    return CustomerServiceReadiness(ready=True)


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

    async def held_elsewhere(self, open_id: str) -> DouyinAccount | None:
        """Another tenant's account of `open_id` that still holds it (not revoked or unbound)."""
        return await self._session.scalar(
            select(DouyinAccount).where(
                DouyinAccount.open_id == open_id,
                DouyinAccount.tenant_id != self._tenant_id,
                DouyinAccount.status.not_in(RELEASED),
            )
        )

    def add(self, account: DouyinAccount) -> None:
        if account.tenant_id != self._tenant_id:
            raise ValueError("row belongs to another tenant")
        self._session.add(account)
