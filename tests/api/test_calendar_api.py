"""The content calendar through the BFF over HTTP: schedules created, updated, paused, run and deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import ScheduleActionStartWorkflow
from temporalio.testing import WorkflowEnvironment

from douflow.db.tables import DouyinAccount
from douflow.media import LocalMediaStore
from douflow.settings import Settings
from douflow.temporal.schedules import calendar as schedules
from douflow.temporal.search import FEATURE, TENANT_ID
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import TestUser, user_with_token
from tests.support.calendar import next_second, utc
from tests.support.polling import eventually
from tests.support.publishing import bind_account, image_post

pytestmark = pytest.mark.timeout(60)
SHANGHAI = ZoneInfo("Asia/Shanghai")
TRAVELLER_OPEN_ID = SANDBOX_USERS[2].open_id
CODER_OPEN_ID = SANDBOX_USERS[3].open_id
ENTRIES = "/api/v1/calendar/entries"


def later(days: int, hour: int = 12, minute: int = 0) -> datetime:
    """A fixed local time some days ahead, so each test's plans stay apart from the others'."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
async def kim(http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> TestUser:
    return await user_with_token(http, sessionmaker, "kalender", "kim", "operator")


@pytest.fixture(scope="module")
async def account(
    bff_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    kim: TestUser,
) -> str:
    return await bind_account(sessionmaker, settings, sandbox, kim.tenant_id, PERSONAL_OPEN_ID)


@pytest.fixture(scope="module")
def media(settings: Settings) -> LocalMediaStore:
    return LocalMediaStore(settings.media_dir)


@pytest.fixture
def new_post(sessionmaker: async_sessionmaker[AsyncSession], media: LocalMediaStore, kim: TestUser) -> Any:
    async def make(title: str, images: int = 1, user: TestUser | None = None) -> str:
        owner = user or kim
        return await image_post(
            sessionmaker, media, owner.tenant_id, owner.user_id, title=title, images=images
        )

    return make


async def plan(http: httpx.AsyncClient, user: TestUser, **body: Any) -> httpx.Response:
    return await http.post(ENTRIES, json=body, headers=user.headers)


async def entry(http: httpx.AsyncClient, user: TestUser, entry_id: str) -> dict[str, Any]:
    response = await http.get(f"{ENTRIES}/{entry_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def settled(body: dict[str, Any]) -> bool:
    return bool(body["runs"]) and all(r["status"] != "running" for r in body["runs"])


async def view(http: httpx.AsyncClient, user: TestUser, start: datetime, end: datetime) -> dict[str, Any]:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    response = await http.get("/api/v1/calendar", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def title(prefix: str) -> str:
    return f"{prefix}{datetime.now(UTC).strftime('%H%M%S%f')[:9]}"


async def test_one_off_fires_publishes_and_the_calendar_shows_its_result(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, sandbox: RunningSandbox,
    temporal_env: WorkflowEnvironment,
) -> None:  # fmt: skip
    name = title("日历发布")
    content_id = await new_post(name)
    run_at = next_second(3)

    created = await plan(http, kim, content_id=content_id, account_id=account, run_at=run_at.isoformat())

    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["status"], body["schedule_id"]) == (
        "one_off",
        "scheduled",
        f"calendar-{body['id']}",
    )
    assert body["schedule"]["remaining_actions"] == 1 and [
        utc(t) for t in body["schedule"]["next_times"]
    ] == [run_at]
    description = await temporal_env.client.get_schedule_handle(body["schedule_id"]).describe()
    assert description.typed_search_attributes.get(TENANT_ID) == kim.tenant_id
    assert description.typed_search_attributes.get(FEATURE) == "calendar-publish"
    action = description.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow) and action.workflow == "CalendarPublishWorkflow"

    final = await eventually(lambda: entry(http, kim, body["id"]), settled, within=30)
    assert [r["status"] for r in final["runs"]] == ["published"], final["runs"]
    run = final["runs"][0]
    assert (
        final["status"] == "completed" and utc(run["scheduled_for"]) == run_at and run["lateness_ms"] < 2000
    )
    items = [i for i in await sandbox.items(PERSONAL_OPEN_ID) if i["title"].startswith(name)]
    assert [i["item_id"] for i in items] == [run["item_id"]]
    publish = (await http.get(f"/api/v1/publish/{run['publish_id']}", headers=kim.headers)).json()
    assert publish["status"] == "published" and publish["item_id"] == run["item_id"]
    started = await temporal_env.client.get_workflow_handle(run["workflow_id"]).describe()
    assert started.typed_search_attributes.get(TENANT_ID) == kim.tenant_id
    assert started.typed_search_attributes.get(FEATURE) == "calendar-publish"

    calendar = await view(http, kim, run_at - timedelta(minutes=1), run_at + timedelta(minutes=1))
    mine = [o for o in calendar["occurrences"] if o["entry_id"] == body["id"]]
    assert [(o["state"], o["run"]["publish_id"]) for o in mine] == [("published", run["publish_id"])]


async def test_local_times_are_read_in_the_entry_zone(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any
) -> None:
    content_id = await new_post(title("时区"))
    local = later(40, 9, 30).replace(tzinfo=None).isoformat()

    in_shanghai = await plan(http, kim, content_id=content_id, account_id=account, run_at=local)
    in_new_york = await plan(
        http, kim, content_id=content_id, account_id=account, run_at=local, timezone="America/New_York"
    )

    assert in_shanghai.status_code == 201, in_shanghai.text
    assert in_new_york.status_code == 201, in_new_york.text
    shanghai, new_york = in_shanghai.json(), in_new_york.json()
    assert utc(shanghai["run_at"]) == later(40, 9, 30).astimezone(UTC)
    assert shanghai["timezone"] == "Asia/Shanghai" and shanghai["run_at_local"].endswith(
        "09:30:00 Asia/Shanghai"
    )
    naive = datetime.fromisoformat(local)
    assert utc(new_york["run_at"]) == naive.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    for body in (shanghai, new_york):
        assert (await http.delete(f"{ENTRIES}/{body['id']}", headers=kim.headers)).status_code == 204


async def test_weekly_slots_plan_occurrences_in_the_calendar_view(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any,
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox,
) -> None:  # fmt: skip
    content_id = await new_post(title("每周"))
    weekly = {"weekly": [{"weekday": "sat", "time": "03:17"}], "max_runs": 3}
    fading = await bind_account(sessionmaker, settings, sandbox, kim.tenant_id, ENTERPRISE_OPEN_ID)
    sundays = {"cron": "45 4 * * sun", "max_runs": 2}

    created = await plan(http, kim, content_id=content_id, account_id=account, recurrence=weekly)
    other = await plan(http, kim, content_id=content_id, account_id=fading, recurrence=sundays)
    async with sessionmaker() as session:
        await session.execute(
            update(DouyinAccount).where(DouyinAccount.id == fading).values(status="revoked")
        )
        await session.commit()

    assert created.status_code == 201, created.text
    assert other.status_code == 201, other.text
    body = created.json()
    now = datetime.now(UTC)
    calendar = await view(http, kim, now, now + timedelta(days=35))
    mine = [o for o in calendar["occurrences"] if o["entry_id"] == body["id"]]
    assert [(o["state"], o["reason"]) for o in mine] == [("planned", None)] * 3
    for occurrence in mine:
        local = utc(occurrence["scheduled_for"]).astimezone(SHANGHAI)
        assert (local.weekday(), local.hour, local.minute) == (5, 3, 17)
        assert occurrence["local_time"].endswith("03:17:00 Asia/Shanghai")
    warned = [o for o in calendar["occurrences"] if o["entry_id"] == other.json()["id"]]
    assert len(warned) == 2 and all("revoked" in o["reason"] for o in warned)
    for entry_id in (body["id"], other.json()["id"]):
        assert (await http.delete(f"{ENTRIES}/{entry_id}", headers=kim.headers)).status_code == 204


async def test_reschedule_updates_the_same_schedule_in_place(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, temporal_env: WorkflowEnvironment
) -> None:
    content_id = await new_post(title("改期"))
    once = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=later(5).isoformat())
    ).json()
    daily = {"cron": "0 15 * * *", "end_at": later(9).isoformat()}
    repeat = (await plan(http, kim, content_id=content_id, account_id=account, recurrence=daily)).json()
    handle = temporal_env.client.get_schedule_handle(once["schedule_id"])
    created_at = (await handle.describe()).info.created_at

    moved = await http.patch(
        f"{ENTRIES}/{once['id']}", json={"run_at": later(6).isoformat()}, headers=kim.headers
    )
    changed = await http.patch(
        f"{ENTRIES}/{repeat['id']}", json={"recurrence": {"cron": "30 16 * * *", "max_runs": 2}},
        headers=kim.headers,
    )  # fmt: skip

    assert moved.status_code == 200, moved.text
    assert changed.status_code == 200, changed.text
    assert moved.json()["schedule_id"] == once["schedule_id"]
    assert [utc(t) for t in moved.json()["schedule"]["next_times"]] == [later(6).astimezone(UTC)]
    description = await handle.describe()
    assert description.info.created_at == created_at and description.info.last_updated_at is not None
    assert [t.astimezone(UTC) for t in description.info.next_action_times] == [later(6).astimezone(UTC)]
    recurring = changed.json()
    assert recurring["cron"] == "30 16 * * *" and recurring["schedule"]["remaining_actions"] == 2
    local = [utc(t).astimezone(SHANGHAI) for t in recurring["schedule"]["next_times"]]
    assert local and all((t.hour, t.minute) == (16, 30) for t in local)
    for body in (once, repeat):
        assert (await http.delete(f"{ENTRIES}/{body['id']}", headers=kim.headers)).status_code == 204


async def test_pause_stops_firing_and_a_passed_one_off_is_rescheduled_not_resumed(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, temporal_env: WorkflowEnvironment
) -> None:
    content_id = await new_post(title("暂停"))
    run_at = next_second(3)
    body = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=run_at.isoformat())
    ).json()

    paused = await http.post(f"{ENTRIES}/{body['id']}/pause", headers=kim.headers)
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused" and paused.json()["schedule"]["paused"] is True
    await eventually(lambda: _now(), lambda now: now > run_at + timedelta(seconds=2.5), within=10)
    description = await temporal_env.client.get_schedule_handle(body["schedule_id"]).describe()
    calendar = await view(http, kim, run_at - timedelta(seconds=5), run_at + timedelta(seconds=5))
    resumed = await http.post(f"{ENTRIES}/{body['id']}/resume", headers=kim.headers)

    assert (await entry(http, kim, body["id"]))["runs"] == [] and description.info.num_actions == 0
    mine = [o for o in calendar["occurrences"] if o["entry_id"] == body["id"]]
    assert [o["state"] for o in mine] == ["missed"] and "paused" in mine[0]["reason"]
    assert resumed.status_code == 409 and "PATCH" in resumed.json()["detail"]

    again = next_second(3)
    moved = await http.patch(
        f"{ENTRIES}/{body['id']}", json={"run_at": again.isoformat()}, headers=kim.headers
    )
    resumed = await http.post(f"{ENTRIES}/{body['id']}/resume", headers=kim.headers)
    assert moved.json()["status"] == "paused" and resumed.json()["status"] == "scheduled", resumed.text
    final = await eventually(lambda: entry(http, kim, body["id"]), settled, within=30)
    assert [(r["status"], utc(r["scheduled_for"])) for r in final["runs"]] == [("published", again)]


async def test_run_now_publishes_at_once_and_uses_up_a_one_off(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any
) -> None:
    content_id = await new_post(title("立即"))
    planned = later(7)
    body = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=planned.isoformat())
    ).json()
    key = {"Idempotency-Key": f"now-{body['id'][:8]}", **kim.headers}

    first = await http.post(f"{ENTRIES}/{body['id']}/trigger", headers=key)
    second = await http.post(f"{ENTRIES}/{body['id']}/trigger", headers=key)

    assert first.status_code == 202, first.text
    assert first.json()["workflow_id"] == f"calendar-{body['id']}-now-now-{body['id'][:8]}"
    assert second.json()["workflow_id"] == first.json()["workflow_id"]
    final = await eventually(lambda: entry(http, kim, body["id"]), settled, within=30)
    assert [(r["status"], r["trigger"]) for r in final["runs"]] == [("published", "manual")], final["runs"]
    assert final["status"] == "completed" and final["schedule"]["remaining_actions"] == 0
    calendar = await view(http, kim, planned - timedelta(hours=1), planned + timedelta(hours=1))
    assert not [o for o in calendar["occurrences"] if o["entry_id"] == body["id"]]


async def test_delete_removes_the_schedule_and_keeps_the_history(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, temporal_env: WorkflowEnvironment
) -> None:
    content_id = await new_post(title("删除"))
    body = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=later(8).isoformat())
    ).json()

    deleted = await http.delete(f"{ENTRIES}/{body['id']}", headers=kim.headers)
    again = await http.delete(f"{ENTRIES}/{body['id']}", headers=kim.headers)
    patched = await http.patch(
        f"{ENTRIES}/{body['id']}", json={"run_at": later(9).isoformat()}, headers=kim.headers
    )
    triggered = await http.post(f"{ENTRIES}/{body['id']}/trigger", headers=kim.headers)

    assert (deleted.status_code, again.status_code) == (204, 204)
    shown = await entry(http, kim, body["id"])
    assert shown["status"] == "cancelled" and shown["schedule"]["exists"] is False
    description = await schedules.describe(temporal_env.client, _Entry(body["id"]))  # type: ignore[arg-type]
    assert description is None
    assert (patched.status_code, triggered.status_code) == (409, 409)


async def test_checks_refuse_what_cannot_publish_with_what_to_fix(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox,
) -> None:  # fmt: skip
    content_id = await new_post(title("校验"))
    theirs = await new_post(title("别家"), user=other_tenant_operator)
    their_account = await bind_account(
        sessionmaker, settings, sandbox, other_tenant_operator.tenant_id, CODER_OPEN_ID
    )
    broken = await bind_account(sessionmaker, settings, sandbox, kim.tenant_id, CODER_OPEN_ID)
    no_scope = await bind_account(sessionmaker, settings, sandbox, kim.tenant_id, TRAVELLER_OPEN_ID)
    async with sessionmaker() as session:
        await session.execute(
            update(DouyinAccount).where(DouyinAccount.id == broken).values(status="needs_reconnect")
        )
        await session.execute(
            update(DouyinAccount).where(DouyinAccount.id == no_scope).values(scopes=["user_info"])
        )
        await session.commit()
    no_media = await new_post(title("空"), images=0)
    at = later(12).isoformat()

    async def status_and_detail(**body: Any) -> tuple[int, str]:
        response = await plan(
            http, kim, **{"content_id": content_id, "account_id": account, "run_at": at, **body}
        )
        return response.status_code, str(response.json().get("detail"))

    past = await status_and_detail(run_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat())
    assert past[0] == 400 and "not in the future" in past[1]
    assert (await status_and_detail(content_id="no-such-content"))[0] == 404
    assert (await status_and_detail(content_id=theirs))[0] == 404
    assert (await status_and_detail(account_id=their_account))[0] == 404
    unhealthy = await status_and_detail(account_id=broken)
    assert unhealthy[0] == 409 and "needs_reconnect" in unhealthy[1] and "reconnect it" in unhealthy[1]
    scope = await status_and_detail(account_id=no_scope)
    assert scope[0] == 409 and "video.create.bind" in scope[1]
    media_missing = await status_and_detail(content_id=no_media)
    assert media_missing[0] == 400 and "no media" in media_missing[1]
    zone = await status_and_detail(timezone="Mars/Olympus")
    assert zone[0] == 400 and "time zone" in zone[1]
    bad_cron = await status_and_detail(run_at=None, recurrence={"cron": "61 * * * *", "max_runs": 2})
    assert bad_cron[0] == 400 and "Temporal refused" in bad_cron[1]
    assert (await status_and_detail(run_at=None, recurrence={"cron": "0 9 * * *"}))[0] == 422
    assert (await status_and_detail(run_at=None, recurrence={"cron": "*/2 * * * * *", "max_runs": 2}))[
        0
    ] == 422
    assert (await status_and_detail(recurrence={"cron": "0 9 * * *", "max_runs": 2}))[0] == 422


async def test_a_recurrence_whose_next_run_is_months_away_is_planned_and_one_that_ends_before_it_is_not(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any
) -> None:
    content_id = await new_post(title("年度"))
    now = datetime.now(UTC)
    month = (now.month + 5) % 12 + 1  # five to six months from now, whenever this runs
    yearly = {"cron": f"0 9 1 {month} *", "max_runs": 1}

    planned = await plan(http, kim, content_id=content_id, account_id=account, recurrence=yearly)
    leap_day = {"cron": "0 9 29 2 *", "max_runs": 1}  # up to four years away
    leap = await plan(http, kim, content_id=content_id, account_id=account, recurrence=leap_day)
    ending = yearly | {"end_at": (now + timedelta(days=40)).isoformat()}
    refused = await plan(http, kim, content_id=content_id, account_id=account, recurrence=ending)

    assert planned.status_code == 201, planned.text
    assert leap.status_code == 201, leap.text
    assert refused.status_code == 400, refused.text
    assert "no occurrence left" in refused.json()["detail"]


async def test_one_account_is_not_scheduled_twice_within_the_spacing(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any
) -> None:
    content_id = await new_post(title("间隔"))
    first = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=later(10).isoformat())
    ).json()

    close = await plan(
        http, kim, content_id=content_id, account_id=account, run_at=later(10, 12, 5).isoformat()
    )
    apart = await plan(
        http, kim, content_id=content_id, account_id=account, run_at=later(10, 12, 15).isoformat()
    )
    daily = await plan(
        http, kim, content_id=content_id, account_id=account,
        recurrence={"cron": "3 12 * * *", "max_runs": 20},
    )  # fmt: skip
    too_often = await plan(
        http, kim, content_id=content_id, account_id=account, recurrence={"cron": "* * * * *", "max_runs": 5}
    )

    assert close.status_code == 409 and first["id"] in close.json()["detail"]
    assert "10 minutes" in close.json()["detail"]
    assert apart.status_code == 201, apart.text
    assert daily.status_code == 409 and first["id"] in daily.json()["detail"]
    assert too_often.status_code == 400 and "at least 10 minutes" in too_often.json()["detail"]
    moved = await http.patch(
        f"{ENTRIES}/{apart.json()['id']}", json={"run_at": later(10, 11, 55).isoformat()}, headers=kim.headers
    )
    assert moved.status_code == 409
    for body in (first, apart.json()):
        assert (await http.delete(f"{ENTRIES}/{body['id']}", headers=kim.headers)).status_code == 204


async def test_entries_of_another_tenant_are_not_found(
    http: httpx.AsyncClient, kim: TestUser, account: str, new_post: Any, other_tenant_operator: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    content_id = await new_post(title("隔离"))
    body = (
        await plan(http, kim, content_id=content_id, account_id=account, run_at=later(11).isoformat())
    ).json()
    viewer = await user_with_token(http, sessionmaker, "kalender", "vera", "viewer")
    gary = other_tenant_operator.headers
    url = f"{ENTRIES}/{body['id']}"

    answers = [
        (await http.get(url, headers=gary)).status_code,
        (await http.patch(url, json={"run_at": later(13).isoformat()}, headers=gary)).status_code,
        (await http.post(f"{url}/pause", headers=gary)).status_code,
        (await http.post(f"{url}/resume", headers=gary)).status_code,
        (await http.post(f"{url}/trigger", headers=gary)).status_code,
        (await http.delete(url, headers=gary)).status_code,
    ]
    listed = (await http.get(ENTRIES, headers=gary)).json()
    calendar = await view(http, other_tenant_operator, later(10), later(12))
    by_viewer = await plan(
        http, viewer, content_id=content_id, account_id=account, run_at=later(14).isoformat()
    )

    assert answers == [404] * 6
    assert body["id"] not in {e["id"] for e in listed}
    assert body["id"] not in {o["entry_id"] for o in calendar["occurrences"]}
    assert by_viewer.status_code == 403
    assert (await entry(http, viewer, body["id"]))["status"] == "scheduled"
    assert (await http.delete(url, headers=kim.headers)).status_code == 204


class _Entry:
    """Just enough of an entry for `schedules.describe`."""

    def __init__(self, entry_id: str) -> None:
        self.id = entry_id


async def _now() -> datetime:
    return datetime.now(UTC)
