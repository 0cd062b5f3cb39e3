"""Prepares a database for use: migrations, then (in development) the demo tenant and its admin."""

from __future__ import annotations

import asyncio
import logging

from douflow.accounts import ensure_tenant, ensure_user
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.migrate import upgrade
from douflow.settings import Settings

log = logging.getLogger("douflow.bootstrap")


async def bootstrap(settings: Settings) -> None:
    await asyncio.to_thread(upgrade, settings.database_url)
    if not settings.is_dev:
        return
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            tenant = await ensure_tenant(session, settings.demo_tenant, "Demo 演示团队")
            await ensure_user(
                session, tenant, "admin", settings.douflow_demo_password.get_secret_value(), "admin"
            )
            await session.commit()
    finally:
        await engine.dispose()
