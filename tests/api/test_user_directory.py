"""The tenant's user directory: any signed-in user reads names and roles of their own tenant, nothing private.

Each test's tenants are its own, so the users listed are exactly those the test made.
"""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.db.tables import User
from tests.support.auth import create_user, user_with_token

DIRECTORY = "/api/v1/users/directory"


async def test_every_role_reads_the_directory_with_names_and_roles_only(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    viewer = await user_with_token(http, sessionmaker, "dir-roles", "vera", "viewer")
    agent = await user_with_token(http, sessionmaker, "dir-roles", "amos", "agent")
    _, admin_id = await create_user(sessionmaker, "dir-roles", "ada", "admin")
    async with sessionmaker() as session:
        await session.execute(update(User).where(User.id == admin_id).values(display_name="阿达"))
        await session.commit()

    for reader in (viewer, agent):
        response = await http.get(DIRECTORY, headers=reader.headers)
        assert response.status_code == 200, response.text
        entries = response.json()
        assert {tuple(sorted(e)) for e in entries} == {("active", "display_name", "id", "role")}
        assert {e["id"]: (e["display_name"], e["role"], e["active"]) for e in entries} == {
            viewer.user_id: ("vera", "viewer", True),
            agent.user_id: ("amos", "agent", True),
            admin_id: ("阿达", "admin", True),
        }
    # The admins' own list stays theirs.
    assert (await http.get("/api/v1/users", headers=agent.headers)).status_code == 403


async def test_disabled_users_are_left_out_unless_asked_for(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reader = await user_with_token(http, sessionmaker, "dir-active", "rita", "operator")
    _, gone_id = await create_user(sessionmaker, "dir-active", "gone", "agent")
    async with sessionmaker() as session:
        await session.execute(update(User).where(User.id == gone_id).values(disabled=True))
        await session.commit()

    active = (await http.get(DIRECTORY, headers=reader.headers)).json()
    assert [e["id"] for e in active] == [reader.user_id]
    everyone = (await http.get(f"{DIRECTORY}?include_inactive=true", headers=reader.headers)).json()
    assert {e["id"]: e["active"] for e in everyone} == {reader.user_id: True, gone_id: False}


async def test_another_tenants_users_never_appear(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    here = await user_with_token(http, sessionmaker, "dir-here", "hana", "viewer")
    there = await user_with_token(http, sessionmaker, "dir-there", "theo", "admin")

    for reader in (here, there):
        for query in ("", "?include_inactive=true"):
            ids = {e["id"] for e in (await http.get(f"{DIRECTORY}{query}", headers=reader.headers)).json()}
            assert ids == {reader.user_id}
