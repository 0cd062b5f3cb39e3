"""Calendar schedules on a real dev server with the sandbox over HTTP: one-offs, anchored recurrences, broken accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import ScheduleActionExecutionStartWorkflow
from temporalio.testing import WorkflowEnvironment

from douflow.db.tables import DouyinAccount
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal.schedules import calendar as schedules
from douyin_sandbox.testing import PERSONAL_OPEN_ID, RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import create_user
from tests.support.calendar import entry_row, finished, next_second, plan, runs_of
from tests.support.polling import eventually
from tests.support.publishing import bind_account, image_post

pytestmark = pytest.mark.timeout(60)
CODER_OPEN_ID = SANDBOX_USERS[3].open_id


@pytest.fixture(scope="module")
async def people(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[str, str]:
    """Tenant and user of these tests (their own, so no other test's entries share the accounts)."""
    return await create_user(sessionmaker, "kalender-wf", "wendy", "operator")


@pytest.fixture(scope="module")
async def account_id(
    bff_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    people: tuple[str, str],
) -> str:
    return await bind_account(sessionmaker, settings, sandbox, people[0], PERSONAL_OPEN_ID)


@pytest.fixture(scope="module")
def media(settings: Settings) -> LocalMediaStore:
    return LocalMediaStore(settings.media_dir)


async def new_post(sessionmaker: async_sessionmaker[AsyncSession], media: LocalMediaStore, people: tuple[str, str], title: str) -> str:  # fmt: skip
    return await image_post(sessionmaker, media, people[0], people[1], title=title, images=1)


async def test_one_off_fires_at_its_second_and_publishes(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sandbox: RunningSandbox,
    media: LocalMediaStore,
    people: tuple[str, str],
    account_id: str,
) -> None:
    title = f"定时发布{next_second(0).strftime('%H%M%S')}"
    content_id = await new_post(sessionmaker, media, people, title)
    run_at = next_second(2)

    entry = await plan(
        sessionmaker, temporal_env.client, settings, tenant_id=people[0], user_id=people[1],
        content_id=content_id, account_id=account_id, run_at=run_at,
    )  # fmt: skip
    runs = await eventually(lambda: runs_of(sessionmaker, entry.id), finished, within=30)

    assert [r.status for r in runs] == ["published"], [(r.status, r.reason) for r in runs]
    run = runs[0]
    assert run.scheduled_for == run_at and run.trigger == "schedule"
    assert timedelta(0) <= run.started_at - run_at < timedelta(seconds=2)
    assert run.workflow_id == f"calendar-{entry.id}-{run_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    assert run.publish_workflow_id == f"publish-{content_id}-v1-{account_id}" and run.item_id
    items = [i for i in await sandbox.items(PERSONAL_OPEN_ID) if i["title"].startswith(title)]
    assert [i["item_id"] for i in items] == [run.item_id]
    assert (await entry_row(sessionmaker, entry.id)).status == "completed"
    description = await schedules.describe(temporal_env.client, entry)
    assert description is not None
    assert description.schedule.state.remaining_actions == 0 and description.info.next_action_times == []
    assert [a.scheduled_at for a in description.info.recent_actions] == [run_at]


async def test_recurrence_fires_on_its_anchors_and_stops_after_max_runs(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sandbox: RunningSandbox,
    media: LocalMediaStore,
    people: tuple[str, str],
    account_id: str,
) -> None:
    title = f"每两秒{next_second(0).strftime('%H%M%S')}"
    content_id = await new_post(sessionmaker, media, people, title)
    created = next_second(0)

    entry = await plan(
        sessionmaker, temporal_env.client, settings, tenant_id=people[0], user_id=people[1],
        content_id=content_id, account_id=account_id, cron="*/2 * * * * * *", max_runs=2,
    )  # fmt: skip
    runs = await eventually(lambda: runs_of(sessionmaker, entry.id), lambda r: finished(r, 2), within=40)
    # Both of its actions are used up, so no third occurrence can come (rather than waiting to see none).
    described = await temporal_env.client.get_schedule_handle(entry.schedule_id).describe()
    assert described.info.num_actions == 2
    assert described.schedule.state.limited_actions and described.schedule.state.remaining_actions == 0
    runs = await runs_of(sessionmaker, entry.id)

    assert [r.status for r in runs] == ["published", "published"], [(r.status, r.reason) for r in runs]
    first, second = (r.scheduled_for for r in runs)
    # Anchored to the wall clock (even seconds), not to when the schedule or a run started.
    assert first.microsecond == 0 and first.second % 2 == 0 and first >= created - timedelta(seconds=1)
    assert second - first == timedelta(seconds=2)
    assert runs[0].started_at - first < timedelta(seconds=2)
    assert len({r.publish_workflow_id for r in runs}) == 2
    items = [i for i in await sandbox.items(PERSONAL_OPEN_ID) if i["title"].startswith(title)]
    assert sorted(i["item_id"] for i in items) == sorted(str(r.item_id) for r in runs)
    assert (await entry_row(sessionmaker, entry.id)).status == "completed"
    description = await schedules.describe(temporal_env.client, entry)
    assert description is not None and description.schedule.state.remaining_actions == 0
    started = [a.action for a in description.info.recent_actions]
    assert [a.workflow_id for a in started if isinstance(a, ScheduleActionExecutionStartWorkflow)] == [
        r.workflow_id for r in runs
    ]


async def test_a_broken_account_is_the_runs_reason_and_marks_the_entry_broken(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sandbox: RunningSandbox,
    media: LocalMediaStore,
    people: tuple[str, str],
) -> None:
    broken_id = await bind_account(sessionmaker, settings, sandbox, people[0], CODER_OPEN_ID)
    title = f"坏账号{next_second(0).strftime('%H%M%S')}"
    content_id = await new_post(sessionmaker, media, people, title)
    entry = await plan(
        sessionmaker, temporal_env.client, settings, tenant_id=people[0], user_id=people[1],
        content_id=content_id, account_id=broken_id, run_at=next_second(2),
    )  # fmt: skip
    async with sessionmaker() as session:
        await session.execute(
            update(DouyinAccount)
            .where(DouyinAccount.id == broken_id)
            .values(status="needs_reconnect", status_reason="refresh token expired")
        )
        await session.commit()

    runs = await eventually(lambda: runs_of(sessionmaker, entry.id), finished, within=30)

    assert [r.status for r in runs] == ["skipped"]
    assert "needs_reconnect" in (runs[0].reason or "") and "reconnect it" in (runs[0].reason or "")
    assert runs[0].publish_id is None
    stored = await entry_row(sessionmaker, entry.id)
    assert stored.status == "broken" and stored.last_error == runs[0].reason
    assert not [i for i in await sandbox.items(CODER_OPEN_ID) if i["title"].startswith(title)]
