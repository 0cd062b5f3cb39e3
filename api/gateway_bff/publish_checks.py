"""What every way of publishing checks before anything starts: `/publish` and the calendar alike.

A content that Douyin would refuse as it is answers 400 (what to fix); a content the tenant's policy holds
until a reviewer approves it answers 409 `approval_required` (have it approved); an account that cannot
publish now answers 409 (reconnect it). Nothing is written when a check fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.gateway_bff.errors import Conflict, DomainError, NotFound
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.approvals import content_approval_problem
from douflow.content.contents import ContentRepository
from douflow.content.drafts import content_problems
from douflow.db.tables import DouyinAccount


async def check_content(session: AsyncSession, tenant_id: str, content_id: str) -> None:
    problems = await content_problems(session, tenant_id, content_id)
    if problems is None:
        raise NotFound(f"content {content_id} not found")
    if problems:
        raise DomainError(f"content {content_id} cannot be published on Douyin: " + "; ".join(problems))


class ApprovalRequired(Conflict):
    """The content could be published, but the tenant asks for a reviewer's approval of this version first."""

    code = "approval_required"


async def check_approval(session: AsyncSession, tenant_id: str, content_id: str) -> None:
    problem = await approval_warning(session, tenant_id, content_id)
    if problem:
        raise ApprovalRequired(problem)


async def approval_warning(session: AsyncSession, tenant_id: str, content_id: str) -> str | None:
    """Why the content may not go out yet; a plan made now is checked again when it fires."""
    content = await ContentRepository(session, tenant_id).get(content_id)
    if content is None:
        raise NotFound(f"content {content_id} not found")
    return await content_approval_problem(session, content)


async def check_account(
    session: AsyncSession, tenant_id: str, account_id: str, now: datetime
) -> DouyinAccount:
    account = await DouyinAccountRepository(session, tenant_id).get(account_id)
    if account is None:
        raise NotFound(f"douyin account {account_id} not found")
    problem = publish_problem(account, account_id, now)
    if problem:
        raise Conflict(problem)
    return account
