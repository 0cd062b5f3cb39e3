"""What every way of publishing checks before anything starts: `/publish` and the calendar alike.

A content that Douyin would refuse as it is, or an account that cannot publish now, answers 409 with what
to fix (attach media, reconnect the account): the request is sound, what it names is not ready. Nothing
is written when a check fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.gateway_bff.errors import Conflict, NotFound
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.drafts import content_problems
from douflow.db.tables import DouyinAccount


async def check_content(session: AsyncSession, tenant_id: str, content_id: str) -> None:
    problems = await content_problems(session, tenant_id, content_id)
    if problems is None:
        raise NotFound(f"content {content_id} not found")
    if problems:
        raise Conflict(f"content {content_id} cannot be published on Douyin: " + "; ".join(problems))


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
