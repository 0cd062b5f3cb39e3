"""Notifications addressed to users (seed 16): recipients resolved when a notification is written, and a read
mark per person: one agent reading it leaves it unread for the other."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.metrics_tables import Notification
from douflow.notify import recipients
from tests.support.auth import user_with_token


async def test_one_users_read_mark_does_not_mark_anothers(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    slug = f"reads-{uuid.uuid4().hex[:8]}"
    alice = await user_with_token(http, sessionmaker, slug, "alice", "agent")
    bob = await user_with_token(http, sessionmaker, slug, "bob", "agent")
    viewer = await user_with_token(http, sessionmaker, slug, "vera", "viewer")
    async with sessionmaker() as session:
        row = Notification(
            tenant_id=alice.tenant_id,
            kind="conversation_handoff",
            title="客户等待人工回复",
            audience="agents",
        )
        sent_to = await recipients.address(session, row)
        only_bob = Notification(tenant_id=alice.tenant_id, kind="task_assigned", title="新的跟进任务")
        await recipients.address(session, only_bob, [bob.user_id])
        await session.commit()

    read = await http.post(f"/api/v1/notifications/{row.id}/read", headers=alice.headers)
    alice_unread = (
        await http.get("/api/v1/notifications", params={"unread": "true"}, headers=alice.headers)
    ).json()
    bob_page = (await http.get("/api/v1/notifications", headers=bob.headers)).json()
    viewer_page = (await http.get("/api/v1/notifications", headers=viewer.headers)).json()
    not_hers = await http.post(f"/api/v1/notifications/{only_bob.id}/read", headers=alice.headers)

    assert sorted(sent_to) == sorted([alice.user_id, bob.user_id]), "the agents, not the viewer"
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert alice_unread["items"] == [] and alice_unread["unread"] == 0
    assert {n["id"]: n["read_at"] for n in bob_page["items"]} == {row.id: None, only_bob.id: None}
    assert bob_page["unread"] == 2
    assert viewer_page["items"] == []
    assert not_hers.status_code == 404
