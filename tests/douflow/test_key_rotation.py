"""After a key switch, stored tokens and schedules move to the current key and older keys can go."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.workflowservice.v1 import DescribeScheduleRequest
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleState,
)

from douflow.accounts import ensure_tenant
from douflow.db.tables import DouyinAccount
from douflow.key_rotation import reencrypt_schedules, rewrap_tokens
from douflow.security.keyring import KeyRing, parse_keyring
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY
from douflow.temporal.client import data_converter
from douflow.temporal.codec import KEY_ID, EncryptionCodec
from douflow.temporal.search import Feature, tags
from models.content import Actor
from tests.support.payloads import payloads_in
from tests.support.polling import eventually

NEW_TOKEN_KEY = Fernet.generate_key().decode()
OLD_PAYLOAD_KEY = Fernet.generate_key().decode()
NEW_PAYLOAD_KEY = Fernet.generate_key().decode()


def token_box(keys: str, current: str) -> SecretBox:
    return SecretBox(parse_keyring(keys, current, "ENCRYPTION_KEY"))


def payload_ring(keys: str, current: str) -> KeyRing:
    return parse_keyring(keys, current, "PAYLOAD_KEY")


async def test_stored_tokens_move_to_the_current_key(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, f"rotation-{uuid.uuid4().hex[:8]}")
        account = DouyinAccount(
            tenant_id=tenant.id,
            open_id="rotation-1",
            bound_by="tests",
            access_token_enc=token_box(DEV_ENCRYPTION_KEY, "k1").encrypt("access-1"),
            refresh_token_enc=Fernet(DEV_ENCRYPTION_KEY.encode()).encrypt(b"refresh-1").decode(),  # pre-ids
        )
        session.add(account)
        await session.commit()
        tenant_id, account_id = tenant.id, account.id

    rotated = token_box(f"k1:{DEV_ENCRYPTION_KEY},k2:{NEW_TOKEN_KEY}", "k2")
    assert await rewrap_tokens(sessionmaker, rotated, tenant_id=tenant_id) == 2
    assert await rewrap_tokens(sessionmaker, rotated, tenant_id=tenant_id) == 0

    async with sessionmaker() as session:
        stored = await session.get(DouyinAccount, account_id)
        assert stored is not None and stored.access_token_enc and stored.refresh_token_enc
        only_new = token_box(f"k2:{NEW_TOKEN_KEY}", "k2")
        assert only_new.decrypt(stored.access_token_enc) == "access-1"
        assert only_new.decrypt(stored.refresh_token_enc) == "refresh-1"


async def test_schedules_are_saved_again_under_the_current_key(temporal_address: str) -> None:
    old = payload_ring(f"old:{OLD_PAYLOAD_KEY}", "old")
    rotated = payload_ring(f"old:{OLD_PAYLOAD_KEY},new:{NEW_PAYLOAD_KEY}", "new")
    only_new = payload_ring(f"new:{NEW_PAYLOAD_KEY}", "new")
    tenant, actor = uuid.uuid4().hex, Actor(tenant_id="t1", user_id="u1")
    schedule_id = f"rotation-{tenant}"
    writer = await Client.connect(temporal_address, data_converter=data_converter(old))
    await writer.create_schedule(
        schedule_id,
        Schedule(
            action=ScheduleActionStartWorkflow(
                "TitleGenerationWorkflow",
                actor,
                id=f"rotation-run-{tenant}",
                task_queue=f"rotation-{tenant}",
                memo={"entry_id": "e1"},
                static_summary="Titles: 客户的话题",
            ),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(days=1))]),
            state=ScheduleState(paused=True),
        ),
        search_attributes=tags(tenant, Feature.TITLES),
    )
    try:
        rotator = await Client.connect(temporal_address, data_converter=data_converter(rotated))
        by_tenant = f"TenantId = '{tenant}'"
        assert await eventually(
            lambda: reencrypt_schedules(rotator, EncryptionCodec(rotated), query=by_tenant)
        )
        assert await reencrypt_schedules(rotator, EncryptionCodec(rotated), query=by_tenant) == 0

        raw = await rotator.workflow_service.describe_schedule(
            DescribeScheduleRequest(namespace=rotator.namespace, schedule_id=schedule_id)
        )
        stored = [p for where, p in payloads_in(raw.schedule.action) if "search_attributes" not in where]
        assert len(stored) == 3 and {p.metadata[KEY_ID] for p in stored} == {b"new"}
        reader = await Client.connect(temporal_address, data_converter=data_converter(only_new))
        action = (await reader.get_schedule_handle(schedule_id).describe()).schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert await reader.data_converter.decode(action.args, [Actor]) == [actor]  # type: ignore[arg-type]
    finally:
        await writer.get_schedule_handle(schedule_id).delete()
