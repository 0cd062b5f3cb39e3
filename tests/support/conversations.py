"""Customer conversations as tests drive them: a customer writing to the tenant's enterprise account through the
Douyin sandbox (its webhook reaches the BFF), what the customer sees there, and what the BFF and the workflow say."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douflow.temporal import ids
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from models.conversations import ConversationStatus
from tests.support.auth import TestUser, user_with_token
from tests.support.polling import eventually
from tests.support.publishing import bind_account
from tests.support.stack import running_stack

# 小鹿咖啡馆, the sandbox's enterprise account: only enterprise accounts receive private messages.
ACCOUNT_OPEN_ID = SANDBOX_USERS[0].open_id
HOURS_ANSWER = "门店每天10:00-22:00营业，节假日照常营业。"


class Chat:
    """One customer writing to the tenant's account, seen from the sandbox (the customer) and the BFF."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        sandbox: RunningSandbox,
        client: Client,
        user: TestUser,
        account_id: str,
    ) -> None:
        self.http, self.sandbox, self.client, self.user = http, sandbox, client, user
        self.account_id = account_id
        self.customer = f"customer-{uuid.uuid4().hex[:12]}"
        self.douyin_conversation: str | None = None

    async def write(self, text: str) -> dict[str, Any]:
        sent = await self.sandbox.im_receive(
            ACCOUNT_OPEN_ID, text, from_open_id=self.customer, conversation_id=self.douyin_conversation
        )
        self.douyin_conversation = sent["content"]["conversation_short_id"]
        return sent

    async def seen(self) -> list[dict[str, Any]]:
        """What the customer sees in the chat, oldest first."""
        assert self.douyin_conversation is not None
        return await self.sandbox.im_messages(self.douyin_conversation)

    async def replies(self, count: int) -> list[dict[str, Any]]:
        """The account's messages once there are `count` of them."""

        async def probe() -> list[dict[str, Any]] | None:
            sent = [m for m in await self.seen() if m["direction"] == "sent"]
            return sent if len(sent) >= count else None

        found: list[dict[str, Any]] = await eventually(probe, within=60)
        return found

    async def conversation_id(self) -> str:
        async def probe() -> str | None:
            page = (await self.http.get("/api/v1/conversations", headers=self.user.headers)).json()
            mine = [c for c in page["items"] if c["customer"]["open_id"] == self.customer]
            return mine[0]["id"] if mine else None

        found: str = await eventually(probe, within=60)
        return found

    async def detail(self) -> dict[str, Any]:
        answer = await self.http.get(
            f"/api/v1/conversations/{await self.conversation_id()}", headers=self.user.headers
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def messages_until(self, check: Any) -> list[dict[str, Any]]:
        async def probe() -> list[dict[str, Any]] | None:
            messages: list[dict[str, Any]] = (await self.detail())["messages"]
            return messages if check(messages) else None

        found: list[dict[str, Any]] = await eventually(probe, within=60)
        return found

    async def status(self) -> ConversationStatus:
        await self.conversation_id()  # the run exists once it recorded the conversation
        handle = self.client.get_workflow_handle(ids.conversation_workflow_id(self.account_id, self.customer))
        result: ConversationStatus = await handle.query("status", result_type=ConversationStatus)
        return result

    async def settled(self) -> ConversationStatus:
        """The workflow's state once every message the customer sent (as the sandbox saw it) is recorded in the
        transcript and taken up by the workflow."""
        sent = len([m for m in await self.seen() if m["direction"] == "received"])

        async def recorded() -> int:
            return len([m for m in (await self.detail())["messages"] if m["author"] == "customer"])

        await eventually(recorded, lambda n: n >= sent, within=60)
        found: ConversationStatus = await eventually(self.status, lambda s: s.unanswered == 0, within=60)
        return found

    async def post(self, path: str, **body: Any) -> httpx.Response:
        url = f"/api/v1/conversations/{await self.conversation_id()}/{path}"
        return await self.http.post(url, json=body or None, headers=self.user.headers)


async def new_chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    prefix: str,
) -> Chat:
    """A customer-service agent of a tenant of its own, whose bound account is the enterprise one."""
    tenant = f"{prefix}-{uuid.uuid4().hex[:8]}"
    agent = await user_with_token(http, sessionmaker, tenant, "agnes", "agent")
    account_id = await bind_account(sessionmaker, settings, sandbox, agent.tenant_id, ACCOUNT_OPEN_ID)
    return Chat(http, sandbox, temporal_env.client, agent, account_id)


async def knowledge(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], chat: Chat, **entry: Any
) -> str:
    """An entry written by an operator of the chat's tenant (agents read the knowledge base)."""
    operator = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "otto", "operator")
    created = await http.post("/api/v1/knowledge", json=entry, headers=operator.headers)
    assert created.status_code == 201, created.text
    entry_id: str = created.json()["id"]
    return entry_id


@contextlib.asynccontextmanager
async def own_stack(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sandbox: RunningSandbox,
    bff_url: str,
    **changes: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """Workers and a BFF of their own with other settings; the sandbox's webhooks go to it meanwhile."""
    mine = settings.model_copy(update={"task_queue_prefix": f"t{uuid.uuid4().hex[:8]}-", **changes})
    async with running_stack(temporal_env.client, mine) as url:
        await sandbox.update_config(webhook_targets=[f"{url}/api/v1/douyin/webhook"])
        try:
            async with httpx.AsyncClient(base_url=url, timeout=90) as http:
                yield http
        finally:
            await sandbox.update_config(webhook_targets=[f"{bff_url}/api/v1/douyin/webhook"])
