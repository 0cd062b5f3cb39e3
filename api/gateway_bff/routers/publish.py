"""Publishing a content to Douyin accounts: one PublishWorkflow per (content, account), and its state."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import Conflict, NotFound, PublishTaken, Unprocessable, UpstreamFailed
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.publish_checks import approval_warning, check_account, check_approval, check_content
from api.gateway_bff.schemas.publish import (
    AccountCheck,
    PublishChecks,
    PublishRequest,
    PublishResolved,
    PublishStarted,
    PublishView,
    ResolvePublished,
    ResolveRequest,
)
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.contents import ContentRepository
from douflow.content.drafts import content_problems
from douflow.content.publishes import PublishKeyTaken, PublishRepository, settle, where_it_stands
from douflow.db.base import utcnow
from douflow.db.tables import Content, Publish
from douflow.security.tokens import Principal
from douflow.settings import Settings
from douflow.temporal import starts
from models.content import Actor
from models.publish import PublishInput, Settlement, SweepInput, SweepResult

router = APIRouter(prefix="/api/v1/publish", tags=["publish"], route_class=GuardedRoute)


def _view(row: Publish) -> PublishView:
    return PublishView(
        id=row.id,
        content_id=row.content_id,
        content_version=row.content_version,
        occurrence=row.occurrence,
        account_id=row.account_id,
        workflow_id=row.workflow_id,
        status=row.status,
        status_reason=row.status_reason,
        item_id=row.item_id,
        share_url=row.share_url,
        media_type=row.media_type,
        history=row.history,
        published_at=row.published_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _start(client: Client, settings: Settings, arg: PublishInput, title: str) -> tuple[str, str]:
    """Starts the publish, or joins the run that already holds its business key; (workflow id, run id).

    A finished run blocks a new one unless it failed (failed or rejected publish), so a retried request
    or a double click never publishes twice, and an `unconfirmed` one must be checked by a person.
    """
    run = starts.publish(arg, title=title)
    try:
        handle = await starts.start(client, settings, run)
        run_id = handle.result_run_id
    except WorkflowAlreadyStartedError:
        run_id = None
    if run_id is None:
        run_id = (await client.get_workflow_handle(run.id).describe()).run_id
    return run.id, run_id


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=answers(404, 409))
async def publish(
    body: PublishRequest, user: Operator, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> PublishStarted:
    """Starts one publish per account; follow each with `GET /api/v1/publish/{id}`.

    The content's current version is pinned: an edit made meanwhile does not change what is sent. A
    content Douyin would refuse answers 400; one the tenant's policy holds for approval answers 409
    `approval_required`. A version already live on an account (publishing, under review, published,
    unconfirmed) answers 409 naming that publish; nothing starts.
    """
    content = await ContentRepository(session, user.tenant_id).get(body.content_id)
    if content is None:
        raise NotFound(f"content {body.content_id} not found")
    account_ids = list(dict.fromkeys(body.account_ids))
    await _check(session, user.tenant_id, content, account_ids)
    views = [await _start_one(session, temporal, settings, user, content, a) for a in account_ids]
    return PublishStarted(content_id=body.content_id, publishes=views)


@router.post("/checks", responses=answers(404))
async def publish_checks(body: PublishRequest, user: Operator, session: SessionDep) -> PublishChecks:
    """Every reason `POST /api/v1/publish` would refuse these accounts, answered as a list, so the console
    shows them before sending; the same rules, nothing written, nothing started."""
    tenant_id = user.tenant_id
    content = await ContentRepository(session, tenant_id).get(body.content_id)
    if content is None:
        raise NotFound(f"content {body.content_id} not found")
    problems = await content_problems(session, tenant_id, content.id) or []
    approval = await approval_warning(session, tenant_id, content.id)
    now = utcnow()
    accounts = DouyinAccountRepository(session, tenant_id)
    publishes = PublishRepository(session, tenant_id)
    checks: list[AccountCheck] = []
    for account_id in dict.fromkeys(body.account_ids):
        problem = publish_problem(await accounts.get(account_id), account_id, now)
        holder = await publishes.live(content.id, content.current_version, account_id)
        checks.append(
            AccountCheck(
                account_id=account_id,
                problem=problem,
                live_publish_id=holder.id if holder else None,
                live_status=holder.status if holder else None,
            )
        )
    ok = (
        not problems
        and approval is None
        and all(c.problem is None and c.live_publish_id is None for c in checks)
    )
    return PublishChecks(
        content_id=content.id,
        version=content.current_version,
        content_problems=problems,
        approval_problem=approval,
        accounts=checks,
        ok=ok,
    )


async def _check(session: AsyncSession, tenant_id: str, content: Content, account_ids: list[str]) -> None:
    """Everything that would refuse a publish, before any starts: content, approval, accounts, live publishes."""
    await check_content(session, tenant_id, content.id)
    await check_approval(session, tenant_id, content.id)
    now = utcnow()
    for account_id in account_ids:
        await check_account(session, tenant_id, account_id, now)
    repo = PublishRepository(session, tenant_id)
    for account_id in account_ids:
        holder = await repo.live(content.id, content.current_version, account_id)
        if holder is not None:
            raise PublishTaken(where_it_stands(holder), holder.id)


async def _start_one(
    session: AsyncSession,
    temporal: Client,
    settings: Settings,
    user: Principal,
    content: Content,
    account_id: str,
) -> PublishView:
    actor = Actor(tenant_id=user.tenant_id, user_id=user.user_id)
    arg = PublishInput(
        actor=actor, content_id=content.id, account_id=account_id, content_version=content.current_version
    )
    workflow_id, run_id = await _start(temporal, settings, arg, content.title)
    return _view(await _ensure_row(session, user.tenant_id, arg, workflow_id, run_id))


async def _ensure_row(
    session: AsyncSession, tenant_id: str, arg: PublishInput, workflow_id: str, run_id: str
) -> Publish:
    """The publish row (id = run id), created here if the workflow has not written it yet."""
    try:
        row = await PublishRepository(session, tenant_id).claim(
            run_id,
            content_id=arg.content_id,
            account_id=arg.account_id,
            workflow_id=workflow_id,
            created_by=arg.actor.user_id,
            content_version=arg.content_version,
            occurrence=arg.occurrence,
        )
    except PublishKeyTaken as taken:
        # Another request won the race for this key; the run just started refuses to create anything.
        raise PublishTaken(where_it_stands(taken.holder), taken.holder.id) from taken
    await session.commit()
    return row


@router.post("/{publish_id}/resolve", responses=answers(409, 422, 502))
async def resolve(
    publish_id: str,
    body: ResolveRequest,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> PublishResolved:
    """Settles an `unconfirmed` publish: "it is live, here is the item" or "it is not (publish again)".

    A named item is taken only once Douyin shows it on the account (422 otherwise); either answer is in
    the publish's history and the content's audit trail under the operator's name.
    """
    repo = PublishRepository(session, user.tenant_id)
    row = await repo.get(publish_id)
    if row is None:
        raise NotFound(f"publish {publish_id} not found")
    if row.status != "unconfirmed":
        raise Conflict(
            f"only an unconfirmed publish is settled by hand; publish {publish_id} is {row.status}"
        )
    contents = ContentRepository(session, user.tenant_id)
    contents.audit(
        user.user_id,
        "publish_resolved",
        "content",
        row.content_id,
        publish_id=publish_id,
        **body.model_dump(),
    )
    await session.commit()
    if isinstance(body, ResolvePublished):
        await _confirm_item(temporal, settings, user, row, body.item_id)
        session.expire_all()
        row = await repo.get(publish_id)
        assert row is not None
        return PublishResolved(publish=_view(row))
    reason = f"settled by {user.username}: not on Douyin" + (f" ({body.note})" if body.note else "")
    settlement = Settlement(
        tenant_id=user.tenant_id,
        publish_id=publish_id,
        at=utcnow(),
        status="failed",
        reason=reason,
        by=user.user_id,
    )
    if not await settle(session, settlement):
        raise Conflict(f"publish {publish_id} changed meanwhile; look at it again")
    await session.commit()
    republished = None
    if body.publish_again:
        content = await contents.get(row.content_id)
        if content is None:
            raise NotFound(f"content {row.content_id} not found")
        await _check(session, user.tenant_id, content, [row.account_id])
        republished = await _start_one(session, temporal, settings, user, content, row.account_id)
    return PublishResolved(publish=_view(row), republished=republished)


async def _confirm_item(
    temporal: Client, settings: Settings, user: Principal, row: Publish, item_id: str
) -> None:
    """Runs the sweep for this publish with the operator's item, and waits: Douyin has the last word."""
    sweep = SweepInput(
        tenant_id=user.tenant_id,
        publish_ids=[row.id],
        stale_after_seconds=0,
        named_items={row.id: item_id},
        by=user.user_id,
    )
    started = await runner.start(
        temporal, settings, starts.publish_sweep(sweep, request_key=uuid.uuid4().hex)
    )
    result = await runner.wait_result(started, SweepResult, settings.bff_sync_timeout_seconds)
    if result is None:
        raise UpstreamFailed("Douyin did not answer in time; try again", None, started.workflow_id)
    assert isinstance(result, SweepResult)
    if row.id in result.left:
        raise Unprocessable(
            f"Douyin does not show item {item_id} as a post of this account, or another publish owns it; "
            "check the item id"
        )


@router.get("")
async def list_publishes(
    user: CurrentUser,
    session: SessionDep,
    content_id: str | None = None,
    account_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PublishView]:
    """The tenant's publishes, newest first, by content and/or account."""
    rows = await PublishRepository(session, user.tenant_id).list(
        content_id=content_id, account_id=account_id, limit=limit
    )
    return [_view(r) for r in rows]


@router.get("/{publish_id}")
async def get_publish(publish_id: str, user: CurrentUser, session: SessionDep) -> PublishView:
    """Status, every state it went through, and the Douyin item id and share URL once known."""
    row = await PublishRepository(session, user.tenant_id).get(publish_id)
    if row is None:
        raise NotFound(f"publish {publish_id} not found")
    return _view(row)
