"""Tenants and users: creation for bootstrap, admin routes and tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.tables import Tenant, User
from douflow.security.passwords import hash_password
from douflow.security.tokens import Role


async def ensure_tenant(session: AsyncSession, slug: str, name: str | None = None) -> Tenant:
    tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        tenant = Tenant(slug=slug, name=name or slug)
        session.add(tenant)
        await session.flush()
    return tenant


async def ensure_user(
    session: AsyncSession, tenant: Tenant, username: str, password: str, role: Role
) -> User:
    """Creates the user, or resets its password and role (bootstrap keeps the demo login working)."""
    user = await session.scalar(select(User).where(User.tenant_id == tenant.id, User.username == username))
    if user is None:
        user = User(tenant_id=tenant.id, username=username, role=role, password_hash=hash_password(password))
        session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.role = role
    await session.flush()
    return user


async def find_login(session: AsyncSession, tenant_slug: str, username: str) -> User | None:
    return await session.scalar(
        select(User)
        .join(Tenant, Tenant.id == User.tenant_id)
        .where(Tenant.slug == tenant_slug, User.username == username, User.disabled.is_(False))
    )
