"""content-center activities of the calendar: each run is recorded, and the entry says why it did not publish.

A run re-reads its entry, content and account when it starts (the schedule's action is static), so an
entry deleted, paused or whose account broke after it was planned, or whose content still lacks the
approval its tenant requires, is skipped with that reason, never silently, and never published on a dead
token.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from activities.content.store import ContentStore
from douflow.content.accounts import DouyinAccountRepository, publish_problem
from douflow.content.approvals import content_approval_problem
from douflow.content.calendar import CalendarRepository
from douflow.content.contents import ContentRepository
from douflow.db.base import utcnow
from douflow.db.calendar_tables import CalendarEntry, CalendarRun
from models.calendar import RunOutcome, RunPlan, RunStart, SkipCause

# Outcomes that mean the content went out (or is in Douyin's review queue).
DELIVERED = frozenset({"published", "under_review"})


class CalendarActivities(ContentStore):
    """The content calendar's runs (seed 6)."""

    @activity.defn
    async def begin_calendar_run(self, start: RunStart) -> RunPlan:
        """Records the run (once per workflow id) and decides whether it may publish."""
        async with self._sessionmaker() as session:
            repo = CalendarRepository(session, start.tenant_id)
            entry = await repo.get(start.entry_id)
            if entry is None:
                return RunPlan(go=False, cause="entry", reason="the calendar entry no longer exists")
            await self._record_start(repo, start)
            plan = await self._plan(session, entry, start)
            await session.commit()
            return plan

    @activity.defn
    async def update_calendar_run(self, outcome: RunOutcome) -> None:
        """Writes the run's state; a final one also tells the entry what the operator must know (or fix)."""
        async with self._sessionmaker() as session:
            repo = CalendarRepository(session, outcome.tenant_id)
            run = await repo.run_by_workflow(outcome.workflow_id)
            entry = await repo.get(outcome.entry_id)
            if entry is not None:
                outcome = await _with_account_cause(session, entry, outcome)
            if run is not None:
                _apply_outcome(run, outcome)
            if entry is not None and entry.status != "cancelled" and outcome.status != "running":
                await _update_entry(repo, entry, outcome)
            await session.commit()

    async def _record_start(self, repo: CalendarRepository, start: RunStart) -> None:
        """Once per workflow id: a retried attempt finds its own row (the id is unique)."""
        if await repo.run_by_workflow(start.workflow_id) is not None:
            return
        repo.add(
            CalendarRun(
                tenant_id=start.tenant_id,
                entry_id=start.entry_id,
                workflow_id=start.workflow_id,
                trigger=start.trigger,
                scheduled_for=start.scheduled_for,
                started_at=start.started_at,
                status="running",
            )
        )
        await repo.flush()

    async def _plan(self, session: AsyncSession, entry: CalendarEntry, start: RunStart) -> RunPlan:
        if entry.status == "cancelled":
            return _skip(entry, "entry", "the calendar entry was deleted")
        if entry.status == "paused" and start.trigger == "schedule":
            return _skip(entry, "entry", "the calendar entry is paused")
        account = await DouyinAccountRepository(session, entry.tenant_id).get(entry.account_id)
        problem = publish_problem(account, entry.account_id, start.started_at)
        if problem:
            return _skip(entry, "account", problem)
        content = await ContentRepository(session, entry.tenant_id).get(entry.content_id)
        if content is None:
            return _skip(entry, "content", "the content was deleted")
        unapproved = await content_approval_problem(session, content)
        if unapproved:
            return _skip(entry, "approval", unapproved)
        return RunPlan(
            go=True,
            content_id=entry.content_id,
            account_id=entry.account_id,
            content_version=content.current_version,
            title=content.title,
        )


def _skip(entry: CalendarEntry, cause: SkipCause, reason: str) -> RunPlan:
    return RunPlan(
        go=False, content_id=entry.content_id, account_id=entry.account_id, cause=cause, reason=reason
    )


async def _with_account_cause(session: AsyncSession, entry: CalendarEntry, outcome: RunOutcome) -> RunOutcome:
    """A publish that failed because the account broke (its token store marked it) is the account's cause."""
    if outcome.cause is not None or outcome.status in DELIVERED or outcome.status == "running":
        return outcome
    account = await DouyinAccountRepository(session, entry.tenant_id).get(entry.account_id)
    now = outcome.finished_at or utcnow()
    problem = publish_problem(account, entry.account_id, now)
    if problem is None:
        return outcome
    return outcome.model_copy(update={"cause": "account", "reason": f"{outcome.reason}; {problem}"})


def _apply_outcome(run: CalendarRun, outcome: RunOutcome) -> None:
    run.status = outcome.status
    run.reason = outcome.reason
    run.finished_at = outcome.finished_at
    run.publish_id = outcome.publish_id or run.publish_id
    run.publish_workflow_id = outcome.publish_workflow_id or run.publish_workflow_id
    run.item_id = outcome.item_id or run.item_id
    run.share_url = outcome.share_url or run.share_url


async def _update_entry(repo: CalendarRepository, entry: CalendarEntry, outcome: RunOutcome) -> None:
    """broken when the account needs the operator; completed when a one-off is done or runs ran out."""
    if outcome.cause == "entry":
        return
    if outcome.cause == "account":
        entry.last_error = outcome.reason
        if entry.status != "paused":
            entry.status = "broken"
        return
    delivered = outcome.status in DELIVERED or outcome.cause == "duplicate"
    entry.last_error = None if outcome.status in DELIVERED else outcome.reason
    if entry.kind == "one_off":
        # A one-off that did not deliver will not fire again by itself: it waits for the operator.
        entry.status = "completed" if delivered else "broken"
        return
    if entry.status == "broken":
        entry.status = "scheduled"
    if entry.max_runs is not None and await repo.scheduled_run_count(entry.id) >= entry.max_runs:
        entry.status = "completed"
