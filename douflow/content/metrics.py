"""Small shared reads and writes of the metrics tables: tenant time zone, viral rules, upserts, bucketing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import FromClause, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.metrics_tables import ViralRule
from douflow.db.tables import Tenant
from douflow.db.upsert import insert_for
from models.metrics import COUNTERS, ViralRuleSpec

DEFAULT_ZONE = "Asia/Shanghai"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def tenant_zone(session: AsyncSession, tenant_id: str) -> ZoneInfo:
    """The tenant's time zone, which decides where a 'day' of the dashboard begins."""
    name = await session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


async def load_rule(session: AsyncSession, tenant_id: str) -> ViralRuleSpec:
    """The tenant's rule, or the defaults while it has not saved one."""
    row = await session.get(ViralRule, tenant_id)
    if row is None:
        return ViralRuleSpec()
    return ViralRuleSpec.model_validate({name: getattr(row, name) for name in ViralRuleSpec.model_fields})


async def save_rule(session: AsyncSession, tenant_id: str, rule: ViralRuleSpec, user_id: str) -> None:
    row = await session.get(ViralRule, tenant_id)
    if row is None:
        row = ViralRule(tenant_id=tenant_id)
        session.add(row)
    for name, value in rule.model_dump().items():
        setattr(row, name, value)
    row.updated_by = user_id
    await session.flush()


def bucket_of(captured_at: datetime, *, young: bool, sparse_hours: float) -> datetime:
    """Young items keep every sync; older ones one snapshot per `sparse_hours` window (epoch-aligned)."""
    if young:
        return captured_at
    window = sparse_hours * 3600
    seconds = (captured_at - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=seconds - seconds % window)


async def add_to_counters(
    session: AsyncSession,
    table: FromClause,
    keys: Sequence[str],
    rows: list[dict[str, Any]],
) -> None:
    """Inserts rows, or adds their six counters to the existing row with the same key (one executemany)."""
    if not rows:
        return
    stmt = insert_for(session, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS},
    )
    await session.execute(stmt, rows)
