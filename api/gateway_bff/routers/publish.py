"""Publishing a content to Douyin accounts: one PublishWorkflow per (content, account), and its state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.publish_checks import check_account, check_content
from api.gateway_bff.schemas.publish import PublishRequest, PublishStarted, PublishView
from douflow.content.contents import ContentRepository
from douflow.content.publishes import PublishRepository
from douflow.db.base import utcnow
from douflow.db.tables import Publish
from douflow.settings import Settings
from douflow.temporal import starts
from models.content import Actor
from models.publish import PublishInput

router = APIRouter(prefix="/api/v1/publish", tags=["publish"], route_class=GuardedRoute)


def _view(row: Publish) -> PublishView:
    return PublishView(
        id=row.id,
        content_id=row.content_id,
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


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def publish(
    body: PublishRequest, user: Operator, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> PublishStarted:
    """Starts one publish per account; follow each with `GET /api/v1/publish/{id}`."""
    content = await ContentRepository(session, user.tenant_id).get(body.content_id)
    if content is None:
        raise NotFound(f"content {body.content_id} not found")
    await check_content(session, user.tenant_id, body.content_id)
    account_ids = list(dict.fromkeys(body.account_ids))
    now = utcnow()
    for account_id in account_ids:
        await check_account(session, user.tenant_id, account_id, now)
    actor = Actor(tenant_id=user.tenant_id, user_id=user.user_id)
    views: list[PublishView] = []
    for account_id in account_ids:
        arg = PublishInput(actor=actor, content_id=body.content_id, account_id=account_id)
        workflow_id, run_id = await _start(temporal, settings, arg, content.title)
        views.append(_view(await _ensure_row(session, user.tenant_id, arg, workflow_id, run_id)))
    return PublishStarted(content_id=body.content_id, publishes=views)


async def _ensure_row(
    session: SessionDep, tenant_id: str, arg: PublishInput, workflow_id: str, run_id: str
) -> Publish:
    """The publish row (id = run id), created here if the workflow has not written it yet."""
    row = await PublishRepository(session, tenant_id).claim(
        run_id,
        content_id=arg.content_id,
        account_id=arg.account_id,
        workflow_id=workflow_id,
        created_by=arg.actor.user_id,
    )
    await session.commit()
    return row


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
