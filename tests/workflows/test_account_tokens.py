"""AccountTokenWorkflow against a sandbox whose tokens live seconds: refresh, renewal, reconnect, outages."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from douflow.db.base import utcnow
from douflow.db.tables import AuditEvent, DouyinAccount
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings
from douflow.temporal.client import queue
from douflow.temporal.queues import ORCHESTRATION
from douflow.temporal.search import DOUYIN_ACCOUNT_ID, TENANT_ID
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import RunningSandbox, running_sandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.douyin_accounts import AccountTokenInput, AccountTokenResult
from tests.conftest import make_settings
from tests.support.polling import eventually
from tests.support.publishing import release_elsewhere
from tests.support.stack import running_workers


@dataclass
class TokenStack:
    sandbox: RunningSandbox
    settings: Settings
    client: Client
    sessionmaker: async_sessionmaker[AsyncSession]

    @property
    def box(self) -> SecretBox:
        return SecretBox(self.settings.encryption_key.get_secret_value())


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory,
    database_url: str,
    temporal_address: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[TokenStack]:
    """Workers of every queue talking to a sandbox of their own, so its clock knobs disturb no one."""
    async with running_sandbox(SandboxConfig()) as sandbox:
        settings = make_settings(
            Path(tmp_path_factory.mktemp("tokens")),
            database_url,
            temporal_address,
            douyin_base_url=sandbox.base_url,
            douyin_client_key=sandbox.config.client_key,
            douyin_client_secret=sandbox.config.client_secret,
        )
        async with running_workers(temporal_env.client, settings):
            yield TokenStack(sandbox, settings, temporal_env.client, sessionmaker)


async def _bound_account(stack: TokenStack, open_id: str, **lifetimes: Any) -> DouyinAccount:
    """An account as a binding leaves it, with tokens minted under the given sandbox lifetimes."""
    await stack.sandbox.reset()
    await stack.sandbox.update_config(**lifetimes)
    tokens = await stack.sandbox.issue_tokens(open_id)
    now = utcnow()
    tenant_id = str(uuid.uuid4())
    await release_elsewhere(stack.sessionmaker, tenant_id, open_id)  # one tenant holds a Douyin account
    account = DouyinAccount(
        tenant_id=tenant_id,
        open_id=open_id,
        scopes=tokens["scope"].split(","),
        access_token_enc=stack.box.encrypt(tokens["access_token"]),
        refresh_token_enc=stack.box.encrypt(tokens["refresh_token"]),
        access_expires_at=now + timedelta(seconds=int(tokens["expires_in"])),
        refresh_expires_at=now + timedelta(seconds=int(tokens["refresh_expires_in"])),
        bound_by="tester",
    )
    async with stack.sessionmaker() as session:
        session.add(account)
        await session.commit()
    return account


async def _start(stack: TokenStack, account: DouyinAccount) -> WorkflowHandle[Any, AccountTokenResult]:
    return await stack.client.start_workflow(
        "AccountTokenWorkflow",
        AccountTokenInput(tenant_id=account.tenant_id, account_id=account.id),
        id=f"account-tokens-{account.id}",
        task_queue=queue(stack.settings, ORCHESTRATION),
        result_type=AccountTokenResult,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(TENANT_ID, account.tenant_id),
                SearchAttributePair(DOUYIN_ACCOUNT_ID, account.id),
            ]
        ),
    )


async def _row(stack: TokenStack, account_id: str) -> DouyinAccount:
    async with stack.sessionmaker() as session:
        row = await session.get(DouyinAccount, account_id)
    assert row is not None
    return row


async def _reconnect_marks(stack: TokenStack, account_id: str) -> int:
    async with stack.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == account_id, AuditEvent.action == "douyin_account.needs_reconnect")
        )
    return int(count or 0)


async def _refreshed_times(stack: TokenStack, account: DouyinAccount, times: int) -> None:
    """Waits until `times` different access tokens followed the original one."""
    seen = {stack.box.decrypt(account.access_token_enc or "")}

    async def enough() -> bool:
        row = await _row(stack, account.id)
        seen.add(stack.box.decrypt(row.access_token_enc or ""))
        return len(seen) > times

    await eventually(enough, within=20)


async def test_refreshes_before_expiry_and_ends_on_unbind(stack: TokenStack) -> None:
    user = SANDBOX_USERS[0]
    account = await _bound_account(stack, user.open_id, access_token_ttl=2, refresh_token_ttl=600)
    handle = await _start(stack, account)

    await _refreshed_times(stack, account, 2)
    row = await _row(stack, account.id)
    assert (row.status, row.status_reason) == ("ok", None)
    assert row.access_expires_at is not None and row.access_expires_at > utcnow()
    assert row.refresh_token_enc == account.refresh_token_enc, "refreshing keeps the refresh token"

    async def nickname() -> str | None:
        return (await _row(stack, account.id)).nickname

    # The profile is synced after each refresh, by its own activity: under load it may land a moment later.
    synced = await eventually(nickname, lambda name: name == user.nickname, within=20)
    assert synced == user.nickname, "each refresh also syncs the profile"
    described = await handle.describe()
    assert described.typed_search_attributes.get(DOUYIN_ACCOUNT_ID) == account.id

    await handle.signal("unbind", "unbound")
    result = await handle.result()
    # Two new tokens were seen in the store above; the workflow counts refresh *activities*, and under load a
    # retried activity can store a token twice while counting once.
    assert result.status == "unbound" and result.refreshes >= 1


async def test_expired_refresh_token_marks_needs_reconnect_once(stack: TokenStack) -> None:
    user = SANDBOX_USERS[1]
    account = await _bound_account(stack, user.open_id, access_token_ttl=2, refresh_token_ttl=600)
    handle = await _start(stack, account)
    await stack.sandbox.set_faults(expire_tokens=[user.open_id], expire_refresh_tokens=True)

    result = await handle.result()

    assert (result.status, result.reason) == ("needs_reconnect", "refresh_token_expired")
    row = await _row(stack, account.id)
    assert (row.status, row.status_reason) == ("needs_reconnect", "refresh_token_expired")
    assert await _reconnect_marks(stack, account.id) == 1


async def test_renews_while_it_can_then_asks_for_reconnect(stack: TokenStack) -> None:
    user = SANDBOX_USERS[2]
    account = await _bound_account(
        stack, user.open_id, access_token_ttl=600, refresh_token_ttl=2, max_refresh_renewals=1
    )
    handle = await _start(stack, account)

    result = await handle.result()

    assert (result.status, result.reason) == ("needs_reconnect", "renew_limit_reached")
    row = await _row(stack, account.id)
    assert row.renewals_left == 4, "the one renewal the platform allowed was stored"
    assert row.refresh_token_enc != account.refresh_token_enc
    assert await _reconnect_marks(stack, account.id) == 1


async def test_a_busy_platform_never_disconnects(stack: TokenStack) -> None:
    user = SANDBOX_USERS[3]
    account = await _bound_account(stack, user.open_id, access_token_ttl=2, refresh_token_ttl=600)
    await stack.sandbox.set_faults(busy_ratio=1.0)
    handle = await _start(stack, account)
    try:
        await _refreshed_times(stack, account, 2)
        row = await _row(stack, account.id)
        assert (row.status, row.nickname) == ("ok", ""), "profile calls fail as system busy, nothing else"
        await stack.sandbox.clear_faults()

        async def profile_synced() -> bool:
            return (await _row(stack, account.id)).nickname == user.nickname

        await eventually(profile_synced, within=20)
        assert (await _row(stack, account.id)).status == "ok"
        assert await _reconnect_marks(stack, account.id) == 0
    finally:
        await stack.sandbox.clear_faults()
        await handle.signal("unbind", "test over")
    assert (await handle.result()).status == "test over"
