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
from temporalio.exceptions import ActivityError, ApplicationError, FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from douflow.temporal.errors import DOUYIN_UNKNOWN_OUTCOME
    from douflow.temporal.ids import token_workflow_id
    from douflow.temporal.search import FEATURE, Feature, tags
    from douflow.temporal.summaries import token_summary
    from models.douyin_accounts import (
        AccountRef,
        AccountTokenInput,
        AccountTokenResult,
        TokenPlan,
        TokenStatus,
    )
    from workflows import calls
    from workflows import douyin_account_steps as steps

# Refresh an access token this long before it expires (at most half its remaining life, see steps.lead);
# renew a refresh token so.
ACCESS_LEAD = timedelta(hours=1)
RENEW_LEAD = timedelta(days=2)
# After a failure that is neither transient nor the user's to fix (e.g. a wrong client secret).
ERROR_BACKOFF = timedelta(minutes=10)
UNKNOWN_RENEWAL_BACKOFF = timedelta(seconds=30)
# With no known expiry, look again this often.
IDLE_CHECK = timedelta(days=1)
CYCLES_PER_RUN = 50


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
        workflow.upsert_search_attributes([FEATURE.value_set(Feature.ACCOUNT_TOKENS.value)])
        ref = AccountRef(tenant_id=input.tenant_id, account_id=input.account_id)
        refreshes = input.refreshes
        if input.plan is None:
            status = await steps.read_token_status(ref)
            if not status.usable:
                return self._ended(ref, status, refreshes)
            self._replan(status, access=True, renew=True)
        else:
            self._plan = input.plan
        for _ in range(CYCLES_PER_RUN):
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
            return await self._until_stopped(
                calls.douyin(DouyinConnector.refresh_douyin_token, ref, policies.TOKEN)
            )
        except ActivityError as exc:
            self._plan.access_due = workflow.now() + ERROR_BACKOFF
            workflow.logger.warning("refresh for %s failed, trying later: %s", ref.account_id, exc)
            return None

    async def _renew(self, ref: AccountRef) -> TokenStatus | None:
        """A lost renewal reply may have killed the old refresh token: a refresh at once tells which."""
        try:
            return await self._until_stopped(
                calls.douyin(DouyinConnector.renew_douyin_refresh_token, ref, policies.TOKEN)
            )
        except ActivityError as exc:
            now = workflow.now()
            if _error_type(exc) != DOUYIN_UNKNOWN_OUTCOME:
                self._plan.renew_due = now + ERROR_BACKOFF
                workflow.logger.warning("renewal for %s failed, trying later: %s", ref.account_id, exc)
                return None
            workflow.logger.warning("renewal reply for %s lost; checking the refresh token", ref.account_id)
            self._plan.renew_due = now + UNKNOWN_RENEWAL_BACKOFF
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
        timeout = (due - now) if due is not None else IDLE_CHECK
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
            self._plan.access_due = _due(status.access_expires_at, now, ACCESS_LEAD)
        if renew:
            can_renew = status.renewals_left > 0 and status.refresh_expires_at is not None
            self._plan.renew_due = _due(status.refresh_expires_at, now, RENEW_LEAD) if can_renew else None

    def _stopped(self, ref: AccountRef, reason: str, refreshes: int) -> AccountTokenResult:
        return AccountTokenResult(account_id=ref.account_id, status=reason, refreshes=refreshes)

    def _ended(self, ref: AccountRef, status: TokenStatus, refreshes: int) -> AccountTokenResult:
        workflow.logger.info(
            "token workflow of %s ends: %s (%s)", ref.account_id, status.status, status.status_reason
        )
        return AccountTokenResult(
            account_id=ref.account_id, status=status.status, reason=status.status_reason, refreshes=refreshes
        )

    @workflow.signal
    def unbind(self, reason: str) -> None:
        self._stop_reason = reason or "unbound"

    @workflow.signal
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


async def start_token_workflow(ref: AccountRef) -> None:
    """Starts the account's token workflow (from a parent), or tells the running one its tokens changed."""
    workflow_id = token_workflow_id(ref.account_id)
    try:
        await workflow.start_child_workflow(
            AccountTokenWorkflow.run,
            AccountTokenInput(tenant_id=ref.tenant_id, account_id=ref.account_id),
            id=workflow_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
            search_attributes=tags(ref.tenant_id, Feature.ACCOUNT_TOKENS, account_id=ref.account_id),
            static_summary=token_summary(ref.account_id),
        )
    except WorkflowAlreadyStartedError:
        await workflow.get_external_workflow_handle_for(AccountTokenWorkflow.run, workflow_id).signal(
            AccountTokenWorkflow.tokens_changed
        )


async def stop_token_workflow(account_id: str, reason: str) -> None:
    """Ends the account's token workflow (from another workflow); one that already ended is fine."""
    handle = workflow.get_external_workflow_handle_for(
        AccountTokenWorkflow.run, token_workflow_id(account_id)
    )
    try:
        await handle.signal(AccountTokenWorkflow.unbind, reason)
    except FailureError as exc:
        workflow.logger.info("token workflow of %s not signalled: %s", account_id, exc)
