"""Seed feature 7: one long-running workflow per account keeps its tokens alive.

It sleeps on a durable timer until shortly before the access token expires, refreshes it, renews the
refresh token while renewals remain, and ends when only the user can help (the token store has marked
the account `needs_reconnect` once, with the reason) or when told the account was unbound or revoked.
Transient failures are retried by Temporal and never change the account's status.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from douflow.temporal import FEATURE
    from models.douyin_accounts import (
        AccountRef,
        AccountTokenInput,
        AccountTokenResult,
        TokenPlan,
        TokenStatus,
    )
    from workflows import douyin_account_policies as policies
    from workflows import douyin_account_steps as steps


def _error_type(exc: BaseException) -> str | None:
    cause = exc.__cause__ if isinstance(exc, ActivityError) else exc
    return cause.type if isinstance(cause, ApplicationError) else None


@workflow.defn
class AccountTokenWorkflow:
    def __init__(self) -> None:
        self._stop_reason: str | None = None
        self._changed = False
        self._plan = TokenPlan()

    @workflow.run
    async def run(self, input: AccountTokenInput) -> AccountTokenResult:
        steps.mark_account(input.tenant_id, input.account_id)
        workflow.upsert_search_attributes([FEATURE.value_set(steps.TOKEN_FEATURE)])
        ref = AccountRef(tenant_id=input.tenant_id, account_id=input.account_id)
        refreshes = input.refreshes
        if input.plan is None:
            status = await steps.read_token_status(ref)
            if not status.usable:
                return self._ended(ref, status, refreshes)
            self._replan(status, access=True, renew=True)
        else:
            self._plan = input.plan
        for _ in range(policies.CYCLES_PER_RUN):
            await self._sleep_until_due()
            if self._stop_reason is not None:
                return self._stopped(ref, self._stop_reason, refreshes)
            if self._changed:
                self._changed = False
                status = await steps.read_token_status(ref)
                if not status.usable:
                    return self._ended(ref, status, refreshes)
                self._replan(status, access=True, renew=True)
                continue
            worked = await self._work(ref)
            if worked is None:
                continue
            if not worked.usable:
                return self._ended(ref, worked, refreshes)
            refreshes += 1
            if workflow.info().is_continue_as_new_suggested():
                break
        # A stop or a rebind that arrived during the last cycle must not be lost with this run's state.
        if self._stop_reason is not None:
            return self._stopped(ref, self._stop_reason, refreshes)
        plan = None if self._changed else self._plan
        workflow.continue_as_new(
            AccountTokenInput(
                tenant_id=ref.tenant_id, account_id=ref.account_id, plan=plan, refreshes=refreshes
            )
        )

    async def _work(self, ref: AccountRef) -> TokenStatus | None:
        """Renews and/or refreshes whatever is due; None when a stop or an error ended the cycle early."""
        now = workflow.now()
        status: TokenStatus | None = None
        if self._plan.renew_due is not None and self._plan.renew_due <= now:
            status = await self._renew(ref)
            if status is None or not status.usable:
                return status
            self._replan(status, renew=True)
        if self._plan.access_due is not None and self._plan.access_due <= now:
            status = await self._refresh(ref)
            if status is None or not status.usable:
                return status
            self._replan(status, access=True)
            await steps.sync_profile(ref)
        return status

    async def _refresh(self, ref: AccountRef) -> TokenStatus | None:
        """A failure that is neither transient nor the user's to fix (say, a wrong app secret) waits."""
        try:
            return await self._until_stopped(steps.douyin_call("refresh_douyin_token", ref, TokenStatus))
        except ActivityError as exc:
            self._plan.access_due = workflow.now() + policies.ERROR_BACKOFF
            workflow.logger.warning("refresh for %s failed, trying later: %s", ref.account_id, exc)
            return None

    async def _renew(self, ref: AccountRef) -> TokenStatus | None:
        """A lost renewal reply may have killed the old refresh token: a refresh at once tells which."""
        try:
            return await self._until_stopped(
                steps.douyin_call("renew_douyin_refresh_token", ref, TokenStatus)
            )
        except ActivityError as exc:
            now = workflow.now()
            if _error_type(exc) != "DouyinUnknownOutcome":
                self._plan.renew_due = now + policies.ERROR_BACKOFF
                workflow.logger.warning("renewal for %s failed, trying later: %s", ref.account_id, exc)
                return None
            workflow.logger.warning("renewal reply for %s lost; checking the refresh token", ref.account_id)
            self._plan.renew_due = now + policies.UNKNOWN_RENEWAL_BACKOFF
            self._plan.access_due = now
            return None

    async def _until_stopped(self, call: Awaitable[object]) -> TokenStatus | None:
        """Awaits an activity (it retries on its own) unless a stop arrives first, which cancels it."""
        task = asyncio.ensure_future(call)
        await workflow.wait_condition(lambda: task.done() or self._stop_reason is not None)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, FailureError):
                await task
            return None
        result = task.result()
        return result if isinstance(result, TokenStatus) else None

    async def _sleep_until_due(self) -> None:
        due = min((d for d in (self._plan.access_due, self._plan.renew_due) if d is not None), default=None)
        now = workflow.now()
        timeout = (due - now) if due is not None else policies.IDLE_CHECK
        if timeout <= timedelta(0) or self._stop_reason is not None or self._changed:
            return
        try:
            await workflow.wait_condition(
                lambda: self._stop_reason is not None or self._changed, timeout=timeout
            )
        except TimeoutError:
            pass

    def _replan(self, status: TokenStatus, *, access: bool = False, renew: bool = False) -> None:
        now = workflow.now()
        if access:
            self._plan.access_due = _due(status.access_expires_at, now, policies.ACCESS_LEAD)
        if renew:
            can_renew = status.renewals_left > 0 and status.refresh_expires_at is not None
            self._plan.renew_due = (
                _due(status.refresh_expires_at, now, policies.RENEW_LEAD) if can_renew else None
            )

    def _stopped(self, ref: AccountRef, reason: str, refreshes: int) -> AccountTokenResult:
        return AccountTokenResult(account_id=ref.account_id, status=reason, refreshes=refreshes)

    def _ended(self, ref: AccountRef, status: TokenStatus, refreshes: int) -> AccountTokenResult:
        workflow.logger.info(
            "token workflow of %s ends: %s (%s)", ref.account_id, status.status, status.status_reason
        )
        return AccountTokenResult(
            account_id=ref.account_id, status=status.status, reason=status.status_reason, refreshes=refreshes
        )

    @workflow.signal(name=steps.UNBIND_SIGNAL)
    def unbind(self, reason: str) -> None:
        self._stop_reason = reason or "unbound"

    @workflow.signal(name=steps.TOKENS_CHANGED_SIGNAL)
    def tokens_changed(self) -> None:
        """A rebind stored new tokens: plan again from them."""
        self._changed = True

    @workflow.query
    def plan(self) -> TokenPlan:
        return self._plan


def _due(expires_at: datetime | None, now: datetime, cap: timedelta) -> datetime:
    if expires_at is None:
        return now
    return expires_at - steps.lead(expires_at - now, cap)
