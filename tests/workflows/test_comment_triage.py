"""Comment triage end to end (seed 10): a customer comments on the account's item in the Douyin sandbox, the
signed `item_comment_reply` webhook reaches the BFF, the triage workflow decides on the real dev server and
the public reply goes out through the connector to the sandbox over HTTP, where everyone reads it under the
comment; the BFF shows what was done with each comment.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from douflow.db.comment_tables import ItemComment
from douflow.settings import Settings
from douflow.temporal import ids
from douyin_sandbox import ids as sandbox_ids
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from douyin_sandbox.webhooks import signature
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import own_stack
from tests.support.polling import eventually
from tests.support.publishing import bind_account

pytestmark = pytest.mark.timeout(120)
ACCOUNT_OPEN_ID = SANDBOX_USERS[0].open_id
HOURS_ANSWER = "门店每天10:00-22:00营业，节假日照常营业。"
SETTLED = frozenset({"replied", "ignored", "waiting_human", "blocked", "failed", "unconfirmed"})


class Commenter:
    """A customer commenting on the tenant's account's item, seen from the sandbox and the BFF."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        sandbox: RunningSandbox,
        client: Client,
        sessionmaker: async_sessionmaker[AsyncSession],
        user: TestUser,
        account_id: str,
        item_id: str,
    ) -> None:
        self.http, self.sandbox, self.client, self.sessionmaker = http, sandbox, client, sessionmaker
        self.user, self.account_id, self.item_id = user, account_id, item_id
        self.customer = f"customer-{uuid.uuid4().hex[:12]}"

    async def comment(self, text: str) -> dict[str, Any]:
        made: dict[str, Any] = await self.sandbox.comment(self.item_id, text, from_open_id=self.customer)
        return made

    async def thread(self) -> list[dict[str, Any]]:
        """Everything under the item, as everyone sees it, oldest first."""
        return await self.sandbox.comments(self.item_id)

    async def our_replies(self, comment_id: str) -> list[dict[str, Any]]:
        return [c for c in await self.thread() if c["reply_to_comment_id"] == comment_id and c["by_owner"]]

    async def row(self, comment_id: str) -> dict[str, Any]:
        """The BFF's view of the comment once triage has settled it."""

        async def probe() -> dict[str, Any] | None:
            page = await self.http.get(
                "/api/v1/comments", params={"account_id": self.account_id}, headers=self.user.headers
            )
            assert page.status_code == 200, page.text
            mine = [c for c in page.json()["items"] if c["comment_id"] == comment_id]
            return mine[0] if mine and mine[0]["status"] in SETTLED else None

        found: dict[str, Any] = await eventually(probe, within=60)
        return found

    async def knowledge(self, **entry: Any) -> str:
        operator = await user_with_token(
            self.http, self.sessionmaker, self.user.tenant_slug, "otto", "operator"
        )
        created = await self.http.post("/api/v1/knowledge", json=entry, headers=operator.headers)
        assert created.status_code == 201, created.text
        entry_id: str = created.json()["id"]
        return entry_id


@pytest.fixture
async def commenter(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Commenter:
    """An agent of a tenant of its own, whose bound account has an item customers comment on."""
    tenant = f"cm-{uuid.uuid4().hex[:8]}"
    agent = await user_with_token(http, sessionmaker, tenant, "agnes", "agent")
    account_id = await bind_account(sessionmaker, settings, sandbox, agent.tenant_id, ACCOUNT_OPEN_ID)
    item = await sandbox.post_by_hand(ACCOUNT_OPEN_ID, "新品拿铁上市，欢迎来店品尝")
    return Commenter(http, sandbox, temporal_env.client, sessionmaker, agent, account_id, item["item_id"])


async def test_an_answerable_question_gets_a_public_reply_from_the_knowledge_entry(
    commenter: Commenter,
) -> None:
    entry = await commenter.knowledge(
        question="你们营业时间是几点到几点？", variants=["几点开门", "几点关门"], answer=HOURS_ANSWER
    )
    made = await commenter.comment("请问几点开门呀？")

    row = await commenter.row(made["comment_id"])

    [reply] = await commenter.our_replies(made["comment_id"])
    assert reply["content"] == HOURS_ANSWER and reply["source"] == commenter.sandbox.config.client_key
    assert row["status"] == "replied" and row["action"] == "public_reply" and row["cited"] == [entry]
    assert row["reply_text"] == HOURS_ANSWER and row["reply_comment_id"] == reply["comment_id"]
    assert row["author_open_id"] == commenter.customer and row["text"] == "请问几点开门呀？"
    assert row["item_id"] == commenter.item_id and row["findings"] == []
    detail = await commenter.http.get(f"/api/v1/comments/{row['id']}", headers=commenter.user.headers)
    assert detail.status_code == 200 and detail.json() == row
    handle = commenter.client.get_workflow_handle(
        ids.comment_triage_workflow_id(commenter.account_id, made["comment_id"])
    )
    described = await handle.describe()
    attributes = {pair.key.name: pair.value for pair in described.typed_search_attributes}
    assert {name: attributes.get(name) for name in ("TenantId", "Feature", "DouyinAccountId")} == {
        "TenantId": commenter.user.tenant_id,
        "Feature": "comment-triage",
        "DouyinAccountId": commenter.account_id,
    }


async def test_a_price_question_is_invited_to_private_messages_not_answered_in_public(
    commenter: Commenter,
) -> None:
    await commenter.knowledge(question="拿铁多少钱", variants=["价格"], answer="拿铁每杯28元。")
    made = await commenter.comment("这个拿铁多少钱？")

    row = await commenter.row(made["comment_id"])

    [reply] = await commenter.our_replies(made["comment_id"])
    assert "私信" in reply["content"] and "28" not in reply["content"]
    assert row["status"] == "replied" and row["action"] == "invite_private"
    assert row["reply_text"] == reply["content"] and row["findings"] == []


async def test_a_reply_that_would_divert_off_the_platform_is_blocked_and_nothing_is_posted(
    commenter: Commenter,
) -> None:
    await commenter.knowledge(question="会员卡怎么办理？", answer="会员卡请加微信coffee123办理。")
    made = await commenter.comment("会员卡怎么办理？")

    row = await commenter.row(made["comment_id"])

    assert row["status"] == "blocked" and row["action"] == "public_reply"
    assert "diversion:加微信" in row["findings"] and "加微信" in (row["reason"] or "")
    assert row["reply_comment_id"] is None
    assert await commenter.our_replies(made["comment_id"]) == []
    notices = (await commenter.http.get("/api/v1/notifications", headers=commenter.user.headers)).json()
    assert [n["kind"] for n in notices["items"] if n["object_id"] == row["id"]] == ["comment_attention"]


async def test_douyins_sensitive_word_refusal_is_recorded_as_a_failure(commenter: Commenter) -> None:
    # Our public rule lets a mention of the official account pass; the platform's word list does not.
    await commenter.knowledge(question="你们有公众号吗？", answer="可以关注我们的微信公众号查看新品。")
    made = await commenter.comment("你们有公众号吗？")

    row = await commenter.row(made["comment_id"])

    assert row["status"] == "failed" and row["action"] == "public_reply"
    assert "DouyinRejected" in row["reason"] and "2111001" in row["reason"]
    assert await commenter.our_replies(made["comment_id"]) == []


async def test_a_missing_item_comment_scope_is_recorded_as_a_failure(commenter: Commenter) -> None:
    await commenter.knowledge(question="几点开门", answer=HOURS_ANSWER)
    await commenter.sandbox.set_faults(remove_scopes={ACCOUNT_OPEN_ID: ["item.comment"]})
    try:
        made = await commenter.comment("几点开门？")
        row = await commenter.row(made["comment_id"])
    finally:
        await commenter.sandbox.issue_tokens(ACCOUNT_OPEN_ID)  # the grant gets its scopes back

    assert row["status"] == "failed" and "DouyinReauthRequired" in row["reason"]
    assert await commenter.our_replies(made["comment_id"]) == []


async def test_a_redelivered_comment_webhook_starts_nothing_twice(
    commenter: Commenter, bff_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await commenter.knowledge(question="几点开门", answer=HOURS_ANSWER)
    made = await commenter.comment("几点开门？")
    await commenter.row(made["comment_id"])

    # The platform pushes the same comment again: a new Msg-Id and send time, the same content.
    envelope = {
        "event": "item_comment_reply",
        "client_key": commenter.sandbox.config.client_key,
        "from_user_id": commenter.customer,
        "to_user_id": ACCOUNT_OPEN_ID,
        "log_id": sandbox_ids.log_id(time.time()),
        "content": made["content"],
    }
    body = json.dumps(envelope, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Douyin-Signature": signature(commenter.sandbox.config.client_secret, body),
        "Msg-Id": uuid.uuid4().hex,
    }
    async with httpx.AsyncClient(base_url=bff_url) as raw:
        again = await raw.post("/api/v1/douyin/webhook", content=body, headers=headers)

    assert again.status_code == 200 and again.json()["status"] == "accepted"
    workflow_id = ids.comment_triage_workflow_id(commenter.account_id, made["comment_id"])
    runs = [w async for w in commenter.client.list_workflows(f"WorkflowId = '{workflow_id}'")]
    assert len(runs) == 1
    assert len(await commenter.our_replies(made["comment_id"])) == 1
    async with sessionmaker() as session:
        rows = await session.scalar(
            select(func.count()).select_from(ItemComment).where(ItemComment.comment_id == made["comment_id"])
        )
    assert rows == 1


async def test_comments_are_read_only_within_their_tenant(
    commenter: Commenter, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    made = await commenter.comment("好喜欢这家店")
    row = await commenter.row(made["comment_id"])
    outsider = await user_with_token(http, sessionmaker, f"cm-{uuid.uuid4().hex[:8]}", "oscar", "agent")
    viewer = await user_with_token(http, sessionmaker, commenter.user.tenant_slug, "vic", "viewer")

    theirs = await http.get("/api/v1/comments", headers=outsider.headers)
    one = await http.get(f"/api/v1/comments/{row['id']}", headers=outsider.headers)
    by_viewer = await http.get("/api/v1/comments", headers=viewer.headers)

    assert row["status"] == "replied" and row["action"] == "public_reply"
    assert theirs.status_code == 200 and theirs.json()["items"] == []
    assert one.status_code == 404
    assert by_viewer.status_code == 403


async def test_a_reply_whose_answer_was_lost_is_found_under_the_comment(commenter: Commenter) -> None:
    await commenter.knowledge(question="几点开门", answer=HOURS_ANSWER)
    await commenter.sandbox.set_faults(fail_after_commit_ratio=1.0, fail_after_commit_mode="drop")
    try:
        made = await commenter.comment("几点开门？")
        row = await commenter.row(made["comment_id"])
    finally:
        await commenter.sandbox.clear_faults()

    [reply] = await commenter.our_replies(made["comment_id"])
    assert row["status"] == "replied" and row["reply_comment_id"] == reply["comment_id"]


async def test_with_automatic_replies_off_a_comment_is_only_stored_and_the_agents_told(
    commenter: Commenter,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
) -> None:
    await commenter.knowledge(question="几点开门", answer=HOURS_ANSWER)
    async with own_stack(temporal_env, settings, sandbox, bff_url, comment_auto_reply=False) as own:
        commenter.http = own
        made = await commenter.comment("几点开门？")
        row = await commenter.row(made["comment_id"])
        notices = (await own.get("/api/v1/notifications", headers=commenter.user.headers)).json()

    assert row["status"] == "waiting_human" and row["action"] is None and row["reply_text"] is None
    assert "off" in (row["reason"] or "")
    assert await commenter.our_replies(made["comment_id"]) == []
    assert [n["kind"] for n in notices["items"] if n["object_id"] == row["id"]] == ["comment_attention"]
