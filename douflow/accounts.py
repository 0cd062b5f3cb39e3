"""Tenants and users: creation for bootstrap, admin routes and tests, and the rule that keeps an admin."""

from __future__ import annotations

from sqlalchemy import func, select, update
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


async def tenant_user(session: AsyncSession, tenant_id: str, user_id: str) -> User | None:
    return await session.scalar(select(User).where(User.tenant_id == tenant_id, User.id == user_id))


async def lock_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Serialises changes to the tenant's users until commit, so two admins demoting each other at once
    cannot leave the tenant without one. A write rather than SELECT ... FOR UPDATE, which SQLite ignores:
    setting a column to itself takes the row lock on PostgreSQL and the write lock on SQLite."""
    await session.execute(update(Tenant).where(Tenant.id == tenant_id).values(updated_at=Tenant.updated_at))


def would_leave_admins(user: User, role: Role | None, disabled: bool | None) -> bool:
    """Whether the change takes an active admin away from the tenant's admins."""
    if user.role != "admin" or user.disabled:
        return False
    return (role is not None and role != "admin") or disabled is True


async def other_active_admins(session: AsyncSession, tenant_id: str, user_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.tenant_id == tenant_id, User.id != user_id, User.role == "admin", User.disabled.is_(False)
        )
    )
    return count or 0
