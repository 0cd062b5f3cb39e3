"""Review dashboard (seed 18): how our content did, in one answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.gateway_bff.deps import CurrentUser, SessionDep, SettingsDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.routers.metrics import FromDay, ToDay, day_range
from douflow.content.dashboard_queries import DashboardQueries
from douflow.content.metrics_queries import MetricsQueries
from douflow.customers.funnel_queries import FunnelQueries
from douflow.db.base import utcnow
from models.metrics_views import Dashboard, Period

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], route_class=GuardedRoute)

Kind = Annotated[
    str | None,
    Query(pattern=r"^(titles|copywriting|image_post|video_script|external)$", description="content kind"),
]


@router.get("", responses=answers(404))
async def dashboard(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    from_day: FromDay = None,
    to_day: ToDay = None,
    account_id: str | None = None,
    kind: Kind = None,
    period: Period = "day",
) -> Dashboard:
    """Contents by kind and status, publish outcomes, plays and engagement by account, kind and day or
    week, top contents, and replicated variants against their sources, for local days [from, to]; and the
    customer side (`customers`): the funnel content → views → private messages and comments → leads → deals
    by account, item and agent, with the unattributed share, bot versus human resolution, first response
    time and SLA hit rate, and lead conversion by source (`kind` filters the content side only)."""
    queries = MetricsQueries(session, user.tenant_id)
    if account_id is not None and not await queries.has_account(account_id):
        raise NotFound(f"douyin account {account_id} not found")
    first, last = await day_range(queries, from_day, to_day)
    board = await DashboardQueries(session, user.tenant_id).dashboard(first, last, period, account_id, kind)
    customers = await FunnelQueries(session, user.tenant_id).review(
        first,
        last,
        account_id,
        attribution_days=settings.funnel_attribution_days,
        sla_seconds=settings.conversation_sla_seconds,
        now=utcnow(),
    )
    return board.model_copy(update={"customers": customers})
