"""Comments on the tenant's accounts' items (seed 10): what triage did with each, for agents and operators.

The comment triage workflow writes the rows; these routes only read them, tenant-scoped.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.gateway_bff.deps import SessionDep, require_role
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.comments import CommentPage, CommentView
from douflow.customers.comments import CommentRepository
from douflow.customers.conversations import AGENT_ROLES
from douflow.db.comment_tables import ItemComment
from douflow.security.tokens import Principal
from models.comments import CommentStatus

router = APIRouter(prefix="/api/v1/comments", tags=["comments"], route_class=GuardedRoute)
# Who works comments: admins, operators and customer-service agents, as for conversations.
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]
MAX_OFFSET = 100_000


def _view(row: ItemComment) -> CommentView:
    return CommentView(
        id=row.id,
        account_id=row.account_id,
        item_id=row.item_id,
        comment_id=row.comment_id,
        reply_to_comment_id=row.reply_to_comment_id,
        author_open_id=row.author_open_id,
        text=row.text,
        commented_at=row.commented_at,
        status=row.status,
        action=row.action,
        reply_text=row.reply_text,
        reply_comment_id=row.reply_comment_id,
        findings=list(row.findings or []),
        cited=list(row.cited or []),
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.get("")
async def list_comments(
    user: Agent,
    session: SessionDep,
    status: CommentStatus | None = None,
    account_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> CommentPage:
    """The tenant's comments, newest first, by status and account."""
    rows = await CommentRepository(session, user.tenant_id).list(
        account_id=account_id, status=status, limit=limit, offset=offset
    )
    return CommentPage(items=[_view(r) for r in rows], limit=limit, offset=offset)


@router.get("/{comment_id}", responses=answers(404))
async def get_comment(comment_id: str, user: Agent, session: SessionDep) -> CommentView:
    """One comment with the reply made under it, or why none was."""
    row = await CommentRepository(session, user.tenant_id).get(comment_id)
    if row is None:
        raise NotFound(f"comment {comment_id} not found")
    return _view(row)
