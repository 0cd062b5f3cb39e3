"""TokenStore against the sandbox: tokens stored encrypted, reconnect marked once, transient errors kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.douyin.client import DouyinClient
from activities.douyin.errors import DouyinTransientError
from activities.douyin.token_store import AccountUnavailable, TokenStore
from douflow.db.base import utcnow
from douflow.db.tables import AuditEvent, DouyinAccount
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox, running_sandbox
from tests.support.publishing import release_elsewhere

BOX = SecretBox(DEV_ENCRYPTION_KEY)


@pytest.fixture(scope="module")
async def own_sandbox() -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(SandboxConfig(max_refresh_renewals=1)) as running:
        yield running


@pytest.fixture
async def store(
    own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[TokenStore]:
    await own_sandbox.reset(keep_config=True)
    config = own_sandbox.config
    async with httpx.AsyncClient() as http:
        client = DouyinClient(http, own_sandbox.base_url, config.client_key, config.client_secret)
        yield TokenStore(sessionmaker, BOX, client, required_scopes={"video.create.bind"})


async def _account(
    sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession], open_id: str = ENTERPRISE_OPEN_ID
) -> DouyinAccount:
    tenant_id = str(uuid.uuid4())
    await release_elsewhere(sessionmaker, tenant_id, open_id)
    tokens = await sandbox.issue_tokens(open_id)
    account = DouyinAccount(
        tenant_id=tenant_id,
        open_id=open_id,
        scopes=tokens["scope"].split(","),
        access_token_enc=BOX.encrypt(tokens["access_token"]),
        refresh_token_enc=BOX.encrypt(tokens["refresh_token"]),
        access_expires_at=utcnow() + timedelta(seconds=int(tokens["expires_in"])),
        refresh_expires_at=utcnow() + timedelta(seconds=int(tokens["refresh_expires_in"])),
        bound_by="tester",
    )
    async with sessionmaker() as session:
        session.add(account)
        await session.commit()
    return account


async def _row(sessionmaker: async_sessionmaker[AsyncSession], account: DouyinAccount) -> DouyinAccount:
    async with sessionmaker() as session:
        row = await session.get(DouyinAccount, account.id)
    assert row is not None
    return row


async def test_credentials_decrypt_and_hide_the_token(
    store: TokenStore, own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account = await _account(own_sandbox, sessionmaker)
    creds = await store.credentials(account.tenant_id, account.id)
    assert creds.access_token.startswith("act.")
    assert creds.access_token not in repr(creds) and creds.open_id == ENTERPRISE_OPEN_ID
    with pytest.raises(AccountUnavailable):
        await store.credentials("another-tenant", account.id)


async def test_refresh_stores_a_new_encrypted_token(
    store: TokenStore, own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account = await _account(own_sandbox, sessionmaker)
    before = await store.credentials(account.tenant_id, account.id)
    after = await store.refresh(account.tenant_id, account.id)
    assert after.access_token != before.access_token
    row = await _row(sessionmaker, account)
    assert row.access_token_enc and "act." not in row.access_token_enc
    assert BOX.decrypt(row.access_token_enc) == after.access_token
    assert row.refresh_token_enc == account.refresh_token_enc, "a refresh keeps the refresh token"


async def test_renewal_then_limit_marks_needs_reconnect_once(
    store: TokenStore, own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    account = await _account(own_sandbox, sessionmaker)
    state = await store.renew(account.tenant_id, account.id)
    assert state.renewals_left == 4 and state.status == "ok"
    with pytest.raises(AccountUnavailable) as raised:
        await store.renew(account.tenant_id, account.id)
    assert raised.value.reason == "renew_limit_reached"
    with pytest.raises(AccountUnavailable):
        await store.refresh(account.tenant_id, account.id)
    row = await _row(sessionmaker, account)
    assert (row.status, row.status_reason) == ("needs_reconnect", "renew_limit_reached")
    assert not await store.mark_needs_reconnect(account.tenant_id, account.id, "again")
    async with sessionmaker() as session:
        marks = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == account.id, AuditEvent.action == "douyin_account.needs_reconnect")
        )
    assert marks == 1


async def test_expired_refresh_token_and_revoked_scope_need_reconnect(
    store: TokenStore, own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    expired = await _account(own_sandbox, sessionmaker)
    await own_sandbox.set_faults(expire_tokens=[ENTERPRISE_OPEN_ID], expire_refresh_tokens=True)
    with pytest.raises(AccountUnavailable) as raised:
        await store.refresh(expired.tenant_id, expired.id)
    assert raised.value.reason == "refresh_token_expired"

    scoped = await _account(own_sandbox, sessionmaker, PERSONAL_OPEN_ID)
    await own_sandbox.set_faults(remove_scopes={PERSONAL_OPEN_ID: ["video.create.bind"]})
    with pytest.raises(AccountUnavailable) as raised:
        await store.refresh(scoped.tenant_id, scoped.id)
    assert raised.value.reason == "scope_revoked: video.create.bind"
    assert (await _row(sessionmaker, scoped)).status == "needs_reconnect"


async def test_transient_failure_keeps_the_account(
    own_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await own_sandbox.reset(keep_config=True)
    account = await _account(own_sandbox, sessionmaker)
    async with httpx.AsyncClient() as http:
        # Nothing listens there: the request never leaves, as in a network outage.
        dead = DouyinClient(http, "http://127.0.0.1:9", "k", "s")
        with pytest.raises(DouyinTransientError):
            await TokenStore(sessionmaker, BOX, dead).refresh(account.tenant_id, account.id)
    row = await _row(sessionmaker, account)
    assert (row.status, row.status_reason) == ("ok", None)
