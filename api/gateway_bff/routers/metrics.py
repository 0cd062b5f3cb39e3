"""Monitoring (seed 8): sync an account now, item and account time series, period summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import select

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, DomainError, NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.time_bounds import BoundedAwareDateTime, BoundedDate
from douflow.content.metrics_queries import MetricsQueries
from douflow.db.tables import DouyinAccount
from douflow.temporal import starts
from douflow.temporal.ids import metrics_schedule_id
from douflow.temporal.schedules.metrics import ensure_metrics_schedule
from models.douyin_accounts import USABLE
from models.metrics import MetricsSyncInput, MetricsSyncResult
from models.metrics_views import AccountSeries, ItemSeries, Summary, SyncStarted

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"], route_class=GuardedRoute)

DEFAULT_DAYS = 30
MAX_DAYS = 366 * 2

FromDay = Annotated[
    BoundedDate | None,
    Query(
        alias="from",
        description=f"first local day (tenant time zone); default {DEFAULT_DAYS} days before `to`",
    ),
]
ToDay = Annotated[
    BoundedDate | None,
    Query(
        alias="to",
        description=f"last local day, inclusive; default today. Not before `from`; the two span at most {MAX_DAYS} days",
    ),
]


async def day_range(queries: MetricsQueries, from_day: date | None, to_day: date | None) -> tuple[date, date]:
    """The requested local days; the last 30 days by default."""
    to_day = to_day or await queries.today()
    from_day = from_day or to_day - timedelta(days=DEFAULT_DAYS - 1)
    if from_day > to_day:
        raise DomainError("'from' is after 'to'")
    if (to_day - from_day).days >= MAX_DAYS:
        raise DomainError(f"a period may span at most {MAX_DAYS} days")
    return from_day, to_day


@router.post(
    "/accounts/{account_id}/sync",
    status_code=status.HTTP_202_ACCEPTED,
    responses=answers(409, 502)
    | {200: {"model": SyncStarted, "description": "`wait=true` and the sync finished: `result` holds it"}},
)
async def sync_account(
    account_id: str,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    response: Response,
    wait: bool = False,
) -> SyncStarted:
    """Syncs the account now (joining a sync already running) and makes sure its schedule exists.

    With `wait=true` the answer carries the sync's result (200), or 202 if it is still running.
    """
    account = await session.scalar(
        select(DouyinAccount).where(DouyinAccount.tenant_id == user.tenant_id, DouyinAccount.id == account_id)
    )
    if account is None:
        raise NotFound(f"douyin account {account_id} not found")
    if account.status not in USABLE:
        raise Conflict(f"douyin account {account_id} is {account.status}: reconnect it first")
    await ensure_metrics_schedule(temporal, settings, user.tenant_id, account_id)
    run = starts.metrics_sync(MetricsSyncInput(tenant_id=user.tenant_id, account_id=account_id))
    sync = await runner.start(temporal, settings, run, MetricsSyncResult)
    started = SyncStarted(
        workflow_id=run.id, run_id=sync.handle.result_run_id, schedule_id=metrics_schedule_id(account_id)
    )
    if wait:
        result = await runner.wait_result(sync, MetricsSyncResult, settings.bff_sync_timeout_seconds)
        if result is not None:
            response.status_code = status.HTTP_200_OK
            started.result = MetricsSyncResult.model_validate(result)
    return started


@router.get("/items/{item_id:path}/series")
async def item_series(
    item_id: str,
    user: CurrentUser,
    session: SessionDep,
    start: Annotated[BoundedAwareDateTime | None, Query(alias="from")] = None,
    end: Annotated[BoundedAwareDateTime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 2000,
) -> ItemSeries:
    """Every stored snapshot of one item in [from, to), oldest first, with the item's latest counts."""
    series = await MetricsQueries(session, user.tenant_id).item_series(item_id, start, end, limit)
    if series is None:
        raise NotFound(f"item {item_id} not found")
    return series


@router.get("/accounts/{account_id}/series")
async def account_series(
    account_id: str, user: CurrentUser, session: SessionDep, from_day: FromDay = None, to_day: ToDay = None
) -> AccountSeries:
    """Growth per local day and the running totals of one account's items."""
    queries = MetricsQueries(session, user.tenant_id)
    if not await queries.has_account(account_id):
        raise NotFound(f"douyin account {account_id} not found")
    first, last = await day_range(queries, from_day, to_day)
    return await queries.account_series(account_id, first, last)


@router.get("/summary", responses=answers(404))
async def summary(
    user: CurrentUser,
    session: SessionDep,
    from_day: FromDay = None,
    to_day: ToDay = None,
    account_id: str | None = None,
) -> Summary:
    """Totals at the end of the period, growth in it and against the period before, top growing items."""
    queries = MetricsQueries(session, user.tenant_id)
    if account_id is not None and not await queries.has_account(account_id):
        raise NotFound(f"douyin account {account_id} not found")
    first, last = await day_range(queries, from_day, to_day)
    return await queries.summary(first, last, account_id)
