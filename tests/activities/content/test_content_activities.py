"""content-center's activities on a real database: every write survives a retry without doing it twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.content.activities import ContentActivities
from douflow.accounts import ensure_tenant
from douflow.content.publishes import PublishRepository
from douflow.db.tables import AuditEvent, Content, ContentVersion, DouyinAccount, Publish
from models.content import Actor, ContentEdit, NewContent
from models.douyin_accounts import AccountToSave, Deactivation, ExchangedTokens, SavedAccount
from models.generation import ComplianceReport
from models.publish import PublishEvent


async def _tenant(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, f"content-{uuid.uuid4().hex[:8]}")
        await session.commit()
        return tenant.id


def _new(tenant_id: str) -> NewContent:
    return NewContent(
        content_id=str(uuid.uuid4()),
        actor=Actor(tenant_id=tenant_id, user_id="u1"),
        kind="titles",
        title="三分钟学会手冲咖啡",
        topic="手冲咖啡",
        body={"candidates": [{"text": "三分钟学会手冲咖啡", "formula": "number"}]},
        compliance=ComplianceReport(passed=True),
        workflow_id="titles-test",
    )


async def _saved_content_and_account(
    sessionmaker: async_sessionmaker[AsyncSession], activities: ContentActivities
) -> tuple[NewContent, str]:
    """A saved content and a bound account of one new tenant: what a publish needs."""
    new = _new(await _tenant(sessionmaker))
    await activities.save_new_content(new)
    async with sessionmaker() as session:
        account = DouyinAccount(tenant_id=new.actor.tenant_id, open_id=str(uuid.uuid4()), bound_by="u1")
        session.add(account)
        await session.commit()
        return new, account.id


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: type, **where: str) -> int:
    async with sessionmaker() as session:
        conditions = [getattr(table, key) == value for key, value in where.items()]
        return int(await session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0)


async def test_a_retried_save_returns_the_stored_content_without_a_second_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    activities = ContentActivities(sessionmaker)
    new = _new(await _tenant(sessionmaker))
    first = await ActivityEnvironment().run(activities.save_new_content, new)
    again = await ActivityEnvironment().run(activities.save_new_content, new)

    assert (first.created, again.created) == (True, False)
    assert again.content_id == first.content_id and again.version == 1
    assert await _count(sessionmaker, Content, id=new.content_id) == 1
    assert await _count(sessionmaker, ContentVersion, content_id=new.content_id) == 1
    assert await _count(sessionmaker, AuditEvent, object_id=new.content_id) == 1


async def test_a_retried_edit_appends_one_version(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    activities = ContentActivities(sessionmaker)
    new = _new(await _tenant(sessionmaker))
    await activities.save_new_content(new)
    edit = ContentEdit(content_id=new.content_id, actor=new.actor, base_version=1, title="手冲咖啡的三个关键")
    first = await activities.save_content_edit(edit)
    again = await activities.save_content_edit(edit)

    assert (first.version, first.created) == (2, True)
    assert (again.version, again.created) == (2, False)
    assert await _count(sessionmaker, ContentVersion, content_id=new.content_id) == 2


async def test_a_replayed_publish_event_changes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    activities = ContentActivities(sessionmaker)
    new, account_id = await _saved_content_and_account(sessionmaker, activities)
    event = PublishEvent(
        tenant_id=new.actor.tenant_id,
        publish_id=str(uuid.uuid4()),
        workflow_id="publish-test",
        content_id=new.content_id,
        account_id=account_id,
        created_by="u1",
        seq=1,
        status="publishing",
        event="started",
        at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    await activities.record_publish_event(event)
    await activities.record_publish_event(event)

    async with sessionmaker() as session:
        publish = await session.get(Publish, event.publish_id)
        content = await session.get(Content, new.content_id)
    assert publish is not None and [entry["seq"] for entry in publish.history] == [1]
    assert content is not None and content.status == "publishing"


async def test_concurrent_write_backs_and_the_bff_never_collide_on_a_new_publish(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    activities = ContentActivities(sessionmaker)
    new, account_id = await _saved_content_and_account(sessionmaker, activities)
    publish_id = str(uuid.uuid4())
    events = [
        PublishEvent(
            tenant_id=new.actor.tenant_id,
            publish_id=publish_id,
            workflow_id="publish-race",
            content_id=new.content_id,
            account_id=account_id,
            created_by="u1",
            seq=seq,
            status="publishing",
            event=f"step{seq}",
            at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        for seq in range(1, 9)
    ]

    async def bff_row() -> None:
        async with sessionmaker() as session:
            await PublishRepository(session, new.actor.tenant_id).claim(
                publish_id, content_id=new.content_id, account_id=account_id, workflow_id="publish-race",
                created_by="u1",
            )  # fmt: skip
            await session.commit()

    await asyncio.gather(bff_row(), *(activities.record_publish_event(e) for e in events), bff_row())

    async with sessionmaker() as session:
        publish = await session.get(Publish, publish_id)
    assert publish is not None
    assert sorted(entry["seq"] for entry in publish.history) == list(range(1, 9)), "every write kept, once"


async def test_deactivating_an_open_id_in_one_tenant_leaves_the_other_tenants_accounts(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # One tenant at a time holds an open_id; the other tenant's account of it was revoked before.
    open_id = str(uuid.uuid4())
    mine, theirs = await _tenant(sessionmaker), await _tenant(sessionmaker)
    async with sessionmaker() as session:
        accounts = [
            DouyinAccount(tenant_id=mine, open_id=open_id, bound_by="u1"),
            DouyinAccount(tenant_id=theirs, open_id=open_id, bound_by="u1", status="revoked"),
        ]
        session.add_all(accounts)
        await session.commit()
        ids = {account.tenant_id: account.id for account in accounts}
    change = Deactivation(status="unbound", reason="operator", actor_id="u1", tenant_id=mine, open_id=open_id)
    unbound = await ContentActivities(sessionmaker).deactivate_douyin_accounts(change)
    again = await ContentActivities(sessionmaker).deactivate_douyin_accounts(change)

    assert unbound.account_ids == [ids[mine]] and again.account_ids == []
    async with sessionmaker() as session:
        rows = await session.scalars(select(DouyinAccount).where(DouyinAccount.open_id == open_id))
        statuses = {row.tenant_id: row.status for row in rows}
    assert statuses == {mine: "unbound", theirs: "revoked"}


def _binding(tenant_id: str, open_id: str) -> AccountToSave:
    tokens = ExchangedTokens(
        open_id=open_id,
        scopes=["user_info", "im.direct_message"],
        access_token_enc="ciphertext-access",
        refresh_token_enc="ciphertext-refresh",
        access_expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    return AccountToSave(tenant_id=tenant_id, user_id="u1", tokens=tokens, workflow_id="binding-test")


async def test_two_tenants_binding_one_open_id_at_once_leave_one_holder(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    open_id = str(uuid.uuid4())
    first, second = await _tenant(sessionmaker), await _tenant(sessionmaker)
    activities = ContentActivities(sessionmaker)

    outcomes = await asyncio.gather(
        activities.save_douyin_account(_binding(first, open_id)),
        activities.save_douyin_account(_binding(second, open_id)),
        return_exceptions=True,
    )

    saved = [o for o in outcomes if isinstance(o, SavedAccount)]
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert refused[0].type == "AccountBoundElsewhere" and refused[0].non_retryable
    async with sessionmaker() as session:
        rows = (await session.scalars(select(DouyinAccount).where(DouyinAccount.open_id == open_id))).all()
    assert [row.id for row in rows] == [saved[0].account_id], "the refused binding stored nothing"


async def test_the_database_refuses_a_second_tenant_holding_an_open_id(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    open_id = str(uuid.uuid4())
    first, second, third = [await _tenant(sessionmaker) for _ in range(3)]
    async with sessionmaker() as session:
        session.add(DouyinAccount(tenant_id=first, open_id=open_id, bound_by="u1"))
        session.add(DouyinAccount(tenant_id=second, open_id=open_id, bound_by="u1", status="unbound"))
        await session.commit()
    async with sessionmaker() as session:
        session.add(DouyinAccount(tenant_id=third, open_id=open_id, bound_by="u1", status="needs_reconnect"))
        with pytest.raises(IntegrityError):
            await session.commit()
