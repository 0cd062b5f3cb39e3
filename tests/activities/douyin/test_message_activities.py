"""`send_douyin_message` against the sandbox: text and card sends, and every failure as its typed error."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.douyin.account_limiter import AccountLimiter
from activities.douyin.activities import DouyinActivities
from activities.douyin.client import DouyinClient
from activities.douyin.oauth import DouyinOAuth
from activities.douyin.token_store import TokenStore
from douflow.db.base import utcnow
from douflow.db.tables import DouyinAccount
from douflow.media import LocalMediaStore
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY
from douyin_sandbox.testing import CUSTOMER_OPEN_ID, ENTERPRISE_OPEN_ID, RunningSandbox
from models.douyin_accounts import AccountRef
from models.im import ImSend
from tests.support.publishing import release_elsewhere

BOX = SecretBox(DEV_ENCRYPTION_KEY)
DAY = 86_400


def _no_oauth() -> DouyinOAuth:
    raise AssertionError("no code exchange in these tests")


@pytest.fixture
async def activities(
    douyin_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[DouyinActivities]:
    config = douyin_sandbox.config
    async with httpx.AsyncClient() as http:
        client = DouyinClient(http, douyin_sandbox.base_url, config.client_key, config.client_secret)
        yield DouyinActivities(
            client,
            TokenStore(sessionmaker, BOX, client),
            http=http,
            secretbox=BOX,
            oauth=_no_oauth,
            media=LocalMediaStore(tmp_path),
            limiter=AccountLimiter(4),
        )


async def _account(
    sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession], scopes: list[str] | None = None
) -> AccountRef:
    tokens = await sandbox.issue_tokens(ENTERPRISE_OPEN_ID, scopes)
    tenant_id = str(uuid.uuid4())
    await release_elsewhere(sessionmaker, tenant_id, ENTERPRISE_OPEN_ID)
    account = DouyinAccount(
        tenant_id=tenant_id,
        open_id=ENTERPRISE_OPEN_ID,
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
    return AccountRef(tenant_id=account.tenant_id, account_id=account.id)


@pytest.fixture
async def account(
    douyin_sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession]
) -> AccountRef:
    return await _account(douyin_sandbox, sessionmaker)


async def _reply(sandbox: RunningSandbox, account: AccountRef, **fields: Any) -> ImSend:
    """A reply to a fresh customer message."""
    received = (await sandbox.im_receive(ENTERPRISE_OPEN_ID, "请问怎么预约？"))["content"]
    return ImSend(
        account=account,
        to_open_id=CUSTOMER_OPEN_ID,
        conversation_id=received["conversation_short_id"],
        reply_to_msg_id=received["server_message_id"],
        **fields,
    )


async def _send_fails(activities: DouyinActivities, message: ImSend) -> ApplicationError:
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(activities.send_douyin_message, message)
    return failed.value


async def test_a_text_reply_is_sent_once_and_its_id_returned(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    message = await _reply(douyin_sandbox, account, text="点击下方卡片即可预约")
    sent = await ActivityEnvironment().run(activities.send_douyin_message, message)
    [customer, reply] = await douyin_sandbox.im_messages(message.conversation_id)
    assert reply["server_message_id"] == sent.msg_id and reply["text"] == "点击下方卡片即可预约"
    assert (reply["msg_type"], reply["scene"], reply["reply_to"]) == (
        1,
        "im_replay_msg",
        customer["server_message_id"],
    )


async def test_a_card_is_sent_as_msg_type_8_and_a_top_level_msg_id_is_read(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    await douyin_sandbox.update_config(im_msg_id_placement="top")
    message = await _reply(douyin_sandbox, account, card_id="retain-card-7")
    sent = await ActivityEnvironment().run(activities.send_douyin_message, message)
    [_, card] = await douyin_sandbox.im_messages(message.conversation_id)
    assert card["server_message_id"] == sent.msg_id and (card["msg_type"], card["card_id"]) == (
        8,
        "retain-card-7",
    )


async def test_a_refusal_before_sending_is_retryable(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    message = await _reply(douyin_sandbox, account, text="稍等")
    await douyin_sandbox.set_faults(busy_ratio=1.0)
    busy = await _send_fails(activities, message)
    await douyin_sandbox.set_faults(busy_ratio=0.0, rate_limit_ratio=1.0)
    limited = await _send_fails(activities, message)

    assert busy.type == "DouyinTransientError" and not busy.non_retryable
    assert limited.type == "DouyinRateLimited" and not limited.non_retryable
    assert limited.next_retry_delay is not None and limited.next_retry_delay >= timedelta(seconds=1)
    assert len(await douyin_sandbox.im_messages(message.conversation_id)) == 1


async def test_a_missing_im_scope_needs_reauthorisation(
    activities: DouyinActivities,
    douyin_sandbox: RunningSandbox,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await _account(douyin_sandbox, sessionmaker, scopes=["user_info", "video.create.bind"])
    failed = await _send_fails(activities, await _reply(douyin_sandbox, account, text="你好"))
    assert failed.type == "DouyinReauthRequired" and failed.non_retryable


async def test_a_reply_after_24_hours_is_a_closed_window(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    await douyin_sandbox.freeze_clock(time.time() - 2 * DAY)
    message = await _reply(douyin_sandbox, account, text="抱歉回复晚了")
    await douyin_sandbox.advance_clock(DAY + 1)
    failed = await _send_fails(activities, message)
    assert failed.type == "DouyinReplyWindowClosed" and failed.non_retryable


async def test_a_reply_lost_after_the_platform_sent_it_is_an_unknown_outcome(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    message = await _reply(douyin_sandbox, account, text="好的")
    await douyin_sandbox.set_faults(fail_after_commit_ratio=1.0, fail_after_commit_mode="drop")
    dropped = await _send_fails(activities, message)
    await douyin_sandbox.set_faults(fail_after_commit_mode="500")
    server_error = await _send_fails(activities, message)

    assert dropped.type == server_error.type == "DouyinUnknownOutcome"
    assert dropped.non_retryable and server_error.non_retryable
    assert [m["text"] for m in await douyin_sandbox.im_messages(message.conversation_id)][1:] == [
        "好的",
        "好的",
    ]


async def test_proactive_messages_past_the_daily_allowance_are_a_quota(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    await douyin_sandbox.im_authorize(ENTERPRISE_OPEN_ID, CUSTOMER_OPEN_ID)
    conversation = (await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "有活动记得通知我"))["content"]
    message = ImSend(
        account=account,
        to_open_id=CUSTOMER_OPEN_ID,
        conversation_id=conversation["conversation_short_id"],
        scene="im_authorize_message",
        text="本周新品八折",
    )
    for _ in range(3):
        await ActivityEnvironment().run(activities.send_douyin_message, message)
    failed = await _send_fails(activities, message)
    assert failed.type == "DouyinQuotaExhausted" and failed.non_retryable


async def test_a_message_that_is_neither_text_nor_card_is_rejected_unsent(
    activities: DouyinActivities, douyin_sandbox: RunningSandbox, account: AccountRef
) -> None:
    message = await _reply(douyin_sandbox, account)
    both = message.model_copy(update={"text": "x", "card_id": "c"})
    unanchored = message.model_copy(update={"text": "x", "reply_to_msg_id": None})
    for wrong in (message, both, unanchored):
        failed = await _send_fails(activities, wrong)
        assert failed.type == "DouyinRejected" and failed.non_retryable
    assert len(await douyin_sandbox.im_messages(message.conversation_id)) == 1
