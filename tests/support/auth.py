"""Tenants, users and logins for tests."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.accounts import ensure_tenant, ensure_user
from douflow.security.tokens import Role

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # a test persona, not a test class

    tenant_slug: str
    tenant_id: str
    username: str
    user_id: str
    role: Role
    headers: dict[str, str]


async def create_user(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_slug: str, username: str, role: Role
) -> tuple[str, str]:
    async with sessionmaker() as session:
        tenant = await ensure_tenant(session, tenant_slug)
        user = await ensure_user(session, tenant, username, PASSWORD, role)
        await session.commit()
        return tenant.id, user.id


async def login(
    http: httpx.AsyncClient, tenant: str, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await http.post(
        "/api/v1/auth/token", data={"username": username, "password": password, "tenant": tenant}
    )


async def user_with_token(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_slug: str,
    username: str,
    role: Role,
) -> TestUser:
    tenant_id, user_id = await create_user(sessionmaker, tenant_slug, username, role)
    response = await login(http, tenant_slug, username)
    response.raise_for_status()
    token = response.json()["access_token"]
    return TestUser(tenant_slug, tenant_id, username, user_id, role, {"Authorization": f"Bearer {token}"})
