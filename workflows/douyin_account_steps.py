"""Activity steps shared by the account workflows: profile, token status, deactivation."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from douflow.temporal.search import DOUYIN_ACCOUNT_ID, TENANT_ID
    from models.douyin_accounts import (
        AccountRef,
        Deactivation,
        DouyinProfile,
        ProfileUpdate,
        TokenStatus,
    )
    from workflows import calls

# Refresh an access token at most this share of its remaining life before it expires, so a token of
# seconds in a test behaves like one of days in production.
LEAD_FRACTION = 0.5


def mark_account(tenant_id: str, account_id: str) -> None:
    """Makes the run findable by tenant and account in the Temporal UI."""
    workflow.upsert_search_attributes(
        [TENANT_ID.value_set(tenant_id), DOUYIN_ACCOUNT_ID.value_set(account_id)]
    )


async def fetch_profile(ref: AccountRef) -> DouyinProfile | None:
    """The profile, or None when Douyin will not give it now (the binding or refresh still counts)."""
    try:
        return await calls.douyin(DouyinConnector.fetch_douyin_profile, ref, policies.PROFILE)
    except FailureError as exc:
        workflow.logger.warning("profile of douyin account %s not fetched: %s", ref.account_id, exc)
        return None


async def sync_profile(ref: AccountRef) -> DouyinProfile | None:
    profile = await fetch_profile(ref)
    if profile is not None:
        update = ProfileUpdate(account=ref, profile=profile)
        await calls.content(ContentCenter.save_douyin_profile, update, policies.ACCOUNT_STORE)
    return profile


async def read_token_status(ref: AccountRef) -> TokenStatus:
    return await calls.douyin(DouyinConnector.read_douyin_token_status, ref, policies.TOKEN)


async def deactivate(change: Deactivation) -> list[str]:
    result = await calls.content(ContentCenter.deactivate_douyin_accounts, change, policies.ACCOUNT_STORE)
    return result.account_ids


def lead(remaining: timedelta, cap: timedelta) -> timedelta:
    """How long before expiry to act: `cap`, or half the remaining life of a short-lived token."""
    return min(cap, max(remaining, timedelta(0)) * LEAD_FRACTION)
