"""Where follow-up tasks come from without anyone asking (seed 16): a customer in the Douyin sandbox whose
handoff no agent can take, and a customer who turns hot by leaving a phone number, each become a task for a
person (an admin when no agent is available), with the conversation in its context. A handoff's task closes
itself once an agent takes the conversation over."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from tests.support.auth import TestUser, user_with_token
from tests.support.conversations import Chat, new_chat
from tests.support.polling import eventually

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def chat(
    http: httpx.AsyncClient,
    sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Chat:
    return await new_chat(http, sandbox, temporal_env, sessionmaker, settings, "src")


async def _tasks_of(http: httpx.AsyncClient, user: TestUser, source: str) -> list[dict[str, Any]]:
    page = (await http.get("/api/v1/tasks", params={"scope": "all"}, headers=user.headers)).json()
    return [t for t in page["items"] if t["source"] == source]


async def test_a_handoff_no_agent_can_take_becomes_an_admins_task(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "ada", "admin")
    await chat.write("你们能开增值税专用发票吗")

    [task] = await eventually(lambda: _tasks_of(http, admin, "handoff"), within=60)
    detail = (await http.get(f"/api/v1/tasks/{task['id']}", headers=admin.headers)).json()

    assert task["owner_user_id"] == admin.user_id, "nobody is available: an admin owns it"
    assert "暂无可分配的客服" in task["reason"] and "增值税专用发票" in task["reason"]
    said = [m["text"] for m in detail["context"]["last_messages"] if m["author"] == "customer"]
    assert said == ["你们能开增值税专用发票吗"]
    mine = (await http.get("/api/v1/tasks", headers=admin.headers)).json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]


async def test_a_handoffs_task_closes_itself_when_an_agent_takes_the_conversation_over(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "ada", "admin")
    await chat.write("你们能开增值税专用发票吗")
    [task] = await eventually(lambda: _tasks_of(http, admin, "handoff"), within=60)
    taken = await chat.post("takeover")

    async def closed() -> dict[str, Any] | None:
        found: dict[str, Any] = (await http.get(f"/api/v1/tasks/{task['id']}", headers=admin.headers)).json()
        return found if found["status"] != "open" else None

    done = await eventually(closed, within=60)
    assert task["waiting_for"] == ["takeover"]
    assert taken.status_code == 200, taken.text
    assert done["status"] == "auto_closed" and done["closed_at"] is not None
    assert done["closed_reason"] == "客服agnes接手了会话（takeover）"
    assert done["outcome"] is None, "closed by what happened, not by its owner"


async def test_a_customer_turning_hot_becomes_a_task_once(
    chat: Chat, http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await user_with_token(http, sessionmaker, chat.user.tenant_slug, "ada", "admin")
    await chat.write("我想订两份，电话13812345678")
    await chat.settled()
    await chat.write("我明天下午到店")
    await chat.settled()

    [task] = await eventually(lambda: _tasks_of(http, admin, "score"), within=60)
    detail = (await http.get(f"/api/v1/tasks/{task['id']}", headers=admin.headers)).json()

    assert "客户意向升为热" in task["reason"] and "已留联系方式" in task["reason"]
    assert detail["context"]["level"] == "hot"
    assert any(part["event_type"] == "lead_left" for part in detail["context"]["explanation"])
    assert detail["context"]["leads"][0]["phone"] == "13812345678"
    assert "联系" in (detail["script"] or ""), "a lead is known: the script offers to call"
    assert len(await _tasks_of(http, admin, "score")) == 1, "staying hot makes no second task"
