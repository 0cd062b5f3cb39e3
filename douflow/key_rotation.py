"""`make rotate-keys`: after switching a key, moves what is stored under older keys to the current one.

- Douyin tokens in the database (ENCRYPTION_KEY): each one is re-encrypted; a row is written only if it
  still holds the ciphertext that was read, so a refresh that happened meanwhile wins.
- Temporal Schedules (PAYLOAD_KEY): a schedule keeps the payloads of its action (input, memo, summary)
  as they were written and starts every run with them, so each is saved again under the current key.

Run it once every process holds the new key as current; afterwards no token and no schedule needs an
older key. Histories cannot be rewritten: an old payload key stays until the runs it wrote are past the
namespace's retention. Both steps are idempotent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, ScheduleActionStartWorkflow, ScheduleUpdate, ScheduleUpdateInput

from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.tables import DouyinAccount
from douflow.logging import configure_logging
from douflow.security.secretbox import SecretBox
from douflow.settings import Settings, get_settings
from douflow.temporal.client import connect_temporal
from douflow.temporal.codec import EncryptionCodec

log = logging.getLogger("douflow.key_rotation")
TOKEN_COLUMNS = (DouyinAccount.access_token_enc, DouyinAccount.refresh_token_enc)


async def rewrap_tokens(
    sessions: async_sessionmaker[AsyncSession], box: SecretBox, *, tenant_id: str | None = None
) -> int:
    """Re-encrypts every stored token not under the current key (of one tenant, if given); the count."""
    query = select(DouyinAccount.id, *TOKEN_COLUMNS)
    if tenant_id is not None:
        query = query.where(DouyinAccount.tenant_id == tenant_id)
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    rewrapped = 0
    for account_id, *ciphertexts in rows:
        async with sessions() as session:
            for column, old in zip(TOKEN_COLUMNS, ciphertexts, strict=True):
                if old and not box.is_current(old):
                    written = await session.execute(
                        update(DouyinAccount)
                        .where(DouyinAccount.id == account_id, column == old)
                        .values({column: box.rewrap(old)})
                    )
                    rewrapped += written.rowcount  # type: ignore[attr-defined]
            await session.commit()
    return rewrapped


async def reencrypt_schedules(client: Client, codec: EncryptionCodec, *, query: str | None = None) -> int:
    """Saves again every schedule whose action holds a payload under an older key; the count."""
    updated = 0
    async for listed in await client.list_schedules(query):
        changed = False

        def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate | None:
            nonlocal changed
            schedule = current.description.schedule
            action = schedule.action
            if not isinstance(action, ScheduleActionStartWorkflow) or not _rewrap_action(action, codec):
                return None
            changed = True
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(listed.id).update(refreshed)
        updated += changed
    return updated


def _rewrap_action(action: ScheduleActionStartWorkflow, codec: EncryptionCodec) -> bool:
    """Puts the action's payloads under the current key in place; whether any was under another."""
    payloads: list[Payload] = [
        *(arg for arg in action.args if isinstance(arg, Payload)),
        *(value for value in (action.memo or {}).values() if isinstance(value, Payload)),
        *(p for p in (action.static_summary, action.static_details) if isinstance(p, Payload)),
    ]
    if not any(codec.needs_rewrap(p) for p in payloads):
        return False
    action.args = [codec.rewrap(arg) if isinstance(arg, Payload) else arg for arg in action.args]
    action.memo = _rewrap_memo(action.memo, codec)
    action.static_summary = _rewrap_metadata(action.static_summary, codec)
    action.static_details = _rewrap_metadata(action.static_details, codec)
    return True


def _rewrap_metadata(value: str | Payload | None, codec: EncryptionCodec) -> str | Payload | None:
    # A described schedule reports an unset summary or details as an empty payload: keep it unset.
    if isinstance(value, Payload):
        return codec.rewrap(value) if value.ByteSize() else None
    return value


def _rewrap_memo(memo: Mapping[str, Any] | None, codec: EncryptionCodec) -> dict[str, Any] | None:
    if memo is None:
        return None
    return {key: codec.rewrap(v) if isinstance(v, Payload) else v for key, v in memo.items()}


async def rotate(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        tokens = await rewrap_tokens(create_sessionmaker(engine), SecretBox(settings.token_keyring))
    finally:
        await engine.dispose()
    log.info("re-encrypted %d Douyin tokens under key %s", tokens, settings.encryption_key_id)
    client = await connect_temporal(settings)
    schedules = await reencrypt_schedules(client, EncryptionCodec(settings.payload_keyring))
    log.info("saved %d schedules again under payload key %s", schedules, settings.payload_key_id)


def main() -> None:
    configure_logging()
    code = 0
    try:
        asyncio.run(rotate(get_settings()))
    except Exception:
        log.exception("key rotation stopped on an error")
        code = 1
    logging.shutdown()
    # The Temporal SDK can crash at interpreter exit (sdk-python #300); leave without running finalisers.
    os._exit(code)


if __name__ == "__main__":
    main()
