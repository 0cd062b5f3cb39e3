"""Activity calls and token-workflow control shared by the account workflows."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from douflow.temporal import DOUYIN_ACCOUNT_ID, FEATURE, TENANT_ID
    from models.douyin_accounts import (
        AccountRef,
        AccountTokenInput,
        DeactivatedAccounts,
        Deactivation,
        DouyinProfile,
        ProfileUpdate,
        TokenStatus,
    )
    from workflows import douyin_account_policies as policies
    from workflows.queues import content_queue, douyin_queue

T = TypeVar("T")
TOKEN_FEATURE = "douyin-account-tokens"
UNBIND_SIGNAL = "unbind"
TOKENS_CHANGED_SIGNAL = "tokens_changed"


def token_workflow_id(account_id: str) -> str:
    return f"account-tokens-{account_id}"


def mark_account(tenant_id: str, account_id: str) -> None:
    """Makes the run findable by tenant and account in the Temporal UI."""
    workflow.upsert_search_attributes(
        [TENANT_ID.value_set(tenant_id), DOUYIN_ACCOUNT_ID.value_set(account_id)]
    )


async def douyin_call(
    name: str, arg: object, result_type: type[T], retry: RetryPolicy = policies.TOKEN_RETRY
) -> T:
    result: T = await workflow.execute_activity(
        name,
        arg,
        result_type=result_type,
        task_queue=douyin_queue(),
        start_to_close_timeout=policies.DOUYIN_CALL_TIMEOUT,
        retry_policy=retry,
    )
    return result


async def fetch_profile(ref: AccountRef) -> DouyinProfile | None:
    """The profile, or None when Douyin will not give it now (the binding or refresh still counts)."""
    try:
        return await douyin_call("fetch_douyin_profile", ref, DouyinProfile, policies.PROFILE_RETRY)
    except FailureError as exc:
        workflow.logger.warning("profile of douyin account %s not fetched: %s", ref.account_id, exc)
        return None


async def save_profile(ref: AccountRef, profile: DouyinProfile) -> None:
    await workflow.execute_activity(
        "save_douyin_profile",
        ProfileUpdate(account=ref, profile=profile),
        task_queue=content_queue(),
        start_to_close_timeout=policies.STORE_CALL_TIMEOUT,
        retry_policy=policies.STORE_RETRY,
    )


async def sync_profile(ref: AccountRef) -> DouyinProfile | None:
    profile = await fetch_profile(ref)
    if profile is not None:
        await save_profile(ref, profile)
    return profile


async def read_token_status(ref: AccountRef) -> TokenStatus:
    return await douyin_call("read_douyin_token_status", ref, TokenStatus)


async def deactivate(change: Deactivation) -> list[str]:
    result: DeactivatedAccounts = await workflow.execute_activity(
        "deactivate_douyin_accounts",
        change,
        result_type=DeactivatedAccounts,
        task_queue=content_queue(),
        start_to_close_timeout=policies.STORE_CALL_TIMEOUT,
        retry_policy=policies.STORE_RETRY,
    )
    return result.account_ids


async def start_token_workflow(ref: AccountRef) -> None:
    """Starts the account's token workflow, or tells the running one that its tokens changed."""
    workflow_id = token_workflow_id(ref.account_id)
    try:
        await workflow.start_child_workflow(
            "AccountTokenWorkflow",
            AccountTokenInput(tenant_id=ref.tenant_id, account_id=ref.account_id),
            id=workflow_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(TENANT_ID, ref.tenant_id),
                    SearchAttributePair(DOUYIN_ACCOUNT_ID, ref.account_id),
                    SearchAttributePair(FEATURE, TOKEN_FEATURE),
                ]
            ),
        )
    except WorkflowAlreadyStartedError:
        await workflow.get_external_workflow_handle(workflow_id).signal(TOKENS_CHANGED_SIGNAL)


async def stop_token_workflow(account_id: str, reason: str) -> None:
    """Ends the account's token workflow; one that already ended is fine."""
    try:
        await workflow.get_external_workflow_handle(token_workflow_id(account_id)).signal(
            UNBIND_SIGNAL, reason
        )
    except FailureError as exc:
        workflow.logger.info("token workflow of %s not signalled: %s", account_id, exc)


def lead(remaining: timedelta, cap: timedelta) -> timedelta:
    """How long before expiry to act: `cap`, or half the remaining life of a short-lived token."""
    return min(cap, max(remaining, timedelta(0)) * policies.LEAD_FRACTION)
