"""content-center's writes of bound Douyin accounts: a binding, its profile, unbind and revoke."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.content.accounts import DouyinAccountRepository
from douflow.db.base import utcnow
from douflow.db.tables import AuditEvent, DouyinAccount
from douflow.temporal.errors import ACCOUNT_BOUND_ELSEWHERE, ACCOUNT_NOT_FOUND
from models.douyin_accounts import (
    AccountToSave,
    DeactivatedAccounts,
    Deactivation,
    ProfileUpdate,
    SavedAccount,
)

# A fresh authorisation starts a new refresh-token chain on the platform, renewable this many times.
MAX_RENEWALS = 5


async def _refuse_if_held_elsewhere(repo: DouyinAccountRepository, open_id: str) -> None:
    if await repo.held_elsewhere(open_id) is not None:
        raise ApplicationError(
            "this Douyin account is bound in another DouFlow workspace; unbind it there first",
            type=ACCOUNT_BOUND_ELSEWHERE,
            non_retryable=True,
        )


class AccountActivities(ContentStore):
    """Bound Douyin accounts (seed 7): bind, profile, unbind and revoke."""

    @activity.defn
    async def save_douyin_account(self, new: AccountToSave) -> SavedAccount:
        """Creates the account, or rebinds the tenant's existing one for this open_id (same id, history kept).

        A rebind never replaces a stored refresh token with an empty one (Postiz PR #1884). An open_id
        another tenant holds is refused before anything is written (its tokens are dropped), so a webhook
        of the account concerns one tenant; the unique index on held open_ids settles two bindings at once.
        """
        tokens = new.tokens
        async with self._sessionmaker() as session:
            repo = DouyinAccountRepository(session, new.tenant_id)
            await _refuse_if_held_elsewhere(repo, tokens.open_id)
            account = await repo.by_open_id(tokens.open_id)
            created = account is None
            if account is None:
                account = DouyinAccount(tenant_id=new.tenant_id, open_id=tokens.open_id, bound_by=new.user_id)
                repo.add(account)
            previous = account.status if not created else None
            now = utcnow()
            account.union_id = tokens.union_id or account.union_id
            account.scopes = tokens.scopes
            account.access_token_enc = tokens.access_token_enc
            account.access_expires_at = tokens.access_expires_at
            if tokens.refresh_token_enc:
                account.refresh_token_enc = tokens.refresh_token_enc
                account.refresh_expires_at = tokens.refresh_expires_at
                account.renewals_left = MAX_RENEWALS
            account.status, account.status_reason, account.unbound_at = "ok", None, None
            account.bound_by, account.bound_at = new.user_id, now
            try:
                await session.flush()
                session.add(
                    AuditEvent(
                        tenant_id=new.tenant_id,
                        actor_id=new.user_id,
                        action="douyin_account.bound" if created else "douyin_account.rebound",
                        object_type="douyin_account",
                        object_id=account.id,
                        detail={
                            "workflow_id": new.workflow_id,
                            "scopes": tokens.scopes,
                            "previous": previous,
                        },
                    )
                )
                await session.commit()
            except IntegrityError:
                # A concurrent binding of the same open_id won: another tenant's is final, this tenant's
                # own is updated by the retry.
                await session.rollback()
                await _refuse_if_held_elsewhere(repo, tokens.open_id)
                raise
            return SavedAccount(
                account_id=account.id, open_id=account.open_id, created=created, rebound=not created
            )

    @activity.defn
    async def save_douyin_profile(self, update: ProfileUpdate) -> None:
        """Nickname and avatar change on Douyin; the latest fetched profile wins."""
        async with self._sessionmaker() as session:
            repo = DouyinAccountRepository(session, update.account.tenant_id)
            account = await repo.get(update.account.account_id)
            if account is None:
                raise ApplicationError("douyin account not found", type=ACCOUNT_NOT_FOUND, non_retryable=True)
            profile = update.profile
            account.nickname = profile.nickname or account.nickname
            account.avatar = profile.avatar or account.avatar
            account.account_role = profile.account_role or account.account_role
            account.union_id = profile.union_id or account.union_id
            await session.commit()

    @activity.defn
    async def deactivate_douyin_accounts(self, change: Deactivation) -> DeactivatedAccounts:
        """Unbind one account, or revoke an open_id's accounts in one tenant (or every tenant for events
        handed over before they were routed per tenant): tokens wiped, rows and history kept.

        Idempotent: an account already in the target status is left alone and not reported again.
        """
        async with self._sessionmaker() as session:
            stmt = select(DouyinAccount).where(DouyinAccount.status != change.status)
            if change.account_id is not None:
                stmt = stmt.where(
                    DouyinAccount.id == change.account_id, DouyinAccount.tenant_id == change.tenant_id
                )
            elif change.open_id:
                stmt = stmt.where(DouyinAccount.open_id == change.open_id)
                if change.tenant_id is not None:
                    stmt = stmt.where(DouyinAccount.tenant_id == change.tenant_id)
            else:
                return DeactivatedAccounts()
            if change.status == "revoked":
                # The user revoking the app does not resurrect an account the operator unbound.
                stmt = stmt.where(DouyinAccount.status != "unbound")
            accounts = (await session.scalars(stmt)).all()
            now = utcnow()
            for account in accounts:
                previous = account.status
                account.status, account.status_reason = change.status, change.reason
                account.access_token_enc = account.refresh_token_enc = None
                if change.status == "unbound":
                    account.unbound_at = now
                session.add(
                    AuditEvent(
                        tenant_id=account.tenant_id,
                        actor_id=change.actor_id,
                        action=f"douyin_account.{change.status}",
                        object_type="douyin_account",
                        object_id=account.id,
                        detail={"reason": change.reason, "previous": previous},
                    )
                )
            await session.commit()
            return DeactivatedAccounts(account_ids=[account.id for account in accounts])
