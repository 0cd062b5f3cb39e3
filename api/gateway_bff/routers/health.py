"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.gateway_bff.deps import StateDep
from api.gateway_bff.guarded_route import GuardedRoute

router = APIRouter(tags=["health"], route_class=GuardedRoute)


@router.get("/healthz")
async def healthz(state: StateDep) -> dict[str, str]:
    """Answers ok when the database and the Temporal frontend are reachable."""
    checks = {"database": "ok", "temporal": "ok"}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        checks["database"] = "unreachable"
    try:
        await state.temporal.service_client.check_health()
    except Exception:
        checks["temporal"] = "unreachable"
    checks["status"] = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return checks
