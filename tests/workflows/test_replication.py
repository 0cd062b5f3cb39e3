"""Viral replication end to end: a hit against the account's own baseline is replicated exactly once.

The account's items are built to order: published at one frozen instant of the sandbox's clock, each
with a pinned growth profile, so which items are hits is decided here and no number moves between syncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.content.activities import ContentActivities
from activities.orchestration.activities import OrchestrationActivities, free_slots
from douflow.db.calendar_tables import CalendarEntry
from douflow.db.tables import Content, ContentAsset
from douflow.media import LocalMediaStore
from douflow.temporal import ids
from douflow.temporal.client import queue
from douflow.temporal.queues import AGENT_CENTER, CONTENT_CENTER, ORCHESTRATION
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID
from models.metrics import Hit, HitCandidate, ViralRuleSpec
from models.replication import (
    ReplicationInput,
    ReplicationResult,
    ScheduleVariants,
    VariantRequest,
    VariantResult,
)
from tests.support.auth import TestUser
from tests.support.metrics import MetricsEnv, link_to_content, metrics_env, publish_items
from tests.support.publishing import bind_account
from workflows.replication_workflow import ReplicationWorkflow
from workflows.viral_rule import judge

pytestmark = pytest.mark.timeout(120)

RATIO = 3.0
# Every item is at least this factor clear of the threshold, one way or the other.
MARGIN = 1.25
ITEMS = 16
# The items that take off (six times their reach); the others stay within ±10 % of one another.
HITS = (3, 11)
BOOST = 6
# Published this long ago on both clocks; the sandbox is then moved on to the present.
PUBLISHED_AGO = 600
TOPICS = ["手冲咖啡", "家庭收纳", "阳台种菜", "猫咪饮食", "通勤穿搭", "露营装备", "新手化妆", "健身计划"]
RULE = ViralRuleSpec(
    ratio=RATIO, min_samples=5, min_value=0, min_age_minutes=0, max_age_hours=1, variant_count=2
)


@dataclass
class Constellation:
    account_id: str
    ratios: dict[str, float]
    contents: dict[str, str]

    @property
    def clear_hits(self) -> set[str]:
        return {item for item, ratio in self.ratios.items() if ratio >= RATIO * MARGIN}

    @property
    def clear_misses(self) -> set[str]:
        return {item for item, ratio in self.ratios.items() if ratio < RATIO / MARGIN}


@pytest.fixture(scope="module")
async def env(
    temporal_env: WorkflowEnvironment,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[MetricsEnv]:
    # The sandbox's time passes only when `constellation` advances it.
    async with metrics_env(
        temporal_env.client, database_url, tmp_path_factory.mktemp("viral"), sessionmaker
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(env: MetricsEnv) -> TestUser:
    user = await env.user("viral")
    response = await env.http.put("/api/v1/viral-rules", json=RULE.model_dump(), headers=user.headers)
    assert response.status_code == 200, response.text
    return user


def ratios(items: list[dict[str, Any]]) -> dict[str, float]:
    plays = {item["item_id"]: int(item["statistics"]["play_count"]) for item in items}
    return {
        item: value / max(statistics.median(v for other, v in plays.items() if other != item), 1)
        for item, value in plays.items()
    }


@pytest.fixture(scope="module")
async def constellation(env: MetricsEnv, owner: TestUser) -> Constellation:
    """Items published together, of which exactly those at `HITS` take off, clearly."""
    await env.sandbox.freeze_clock(time.time() - PUBLISHED_AGO)
    account_id = await bind_account(
        env.sessionmaker, env.settings, env.sandbox, owner.tenant_id, ENTERPRISE_OPEN_ID
    )
    titles = [
        f"{i % 7 + 3}个{TOPICS[i % len(TOPICS)]}技巧，第{i % 2 + 2}个很多人不知道" for i in range(ITEMS)
    ]
    item_ids = await publish_items(env.sandbox, ENTERPRISE_OPEN_ID, titles)
    for index, item_id in enumerate(item_ids):
        # One time constant for all: at one age, plays stand in the ratio of reach × boost.
        await env.sandbox.pin_profile(
            item_id, reach=900 + 25 * (index % 9), takes_off=index in HITS, boost=BOOST, tau=300
        )
    # Every item is PUBLISHED_AGO old for the sandbox as for DouFlow (which measures on its own clock).
    await env.sandbox.advance_clock(PUBLISHED_AGO)
    items = await env.sandbox.items(ENTERPRISE_OPEN_ID)
    found = Constellation(account_id=account_id, ratios=ratios(items), contents={})
    assert found.clear_hits == {item_ids[i] for i in HITS}, found.ratios
    assert found.clear_misses == set(item_ids) - found.clear_hits, found.ratios
    for item in items:
        found.contents[item["item_id"]] = await link_to_content(
            env, owner, account_id, item["item_id"], item["title"]
        )
    return found


async def replication_results(
    env: MetricsEnv, client: Any, workflow_ids: list[str]
) -> list[ReplicationResult]:
    handles = [client.get_workflow_handle(wid, result_type=ReplicationResult) for wid in workflow_ids]
    return list(await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 60))


@dataclass
class FirstSync:
    result: dict[str, Any]
    replications: list[ReplicationResult]


@pytest.fixture(scope="module")
async def first_sync(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, constellation: Constellation
) -> FirstSync:
    """The account's first sync and the replications it started, for whichever test needs them first."""
    result = await env.sync(owner, constellation.account_id)
    replications = await replication_results(env, temporal_env.client, result["replications_started"])
    return FirstSync(result=result, replications=replications)


async def variants_of(env: MetricsEnv, tenant_id: str, content_ids: list[str]) -> int:
    async with env.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Content)
            .where(Content.tenant_id == tenant_id, Content.source_content_id.in_(content_ids))
        )
    return int(count or 0)


async def variant_images(env: MetricsEnv, tenant_id: str, content_id: str) -> list[Path]:
    """The files behind a content's image assets, in the order of the post."""
    async with env.sessionmaker() as session:
        assets = await session.scalars(
            select(ContentAsset)
            .where(ContentAsset.tenant_id == tenant_id, ContentAsset.content_id == content_id)
            .order_by(ContentAsset.position)
        )
        keys = [a.storage_key for a in assets if a.role in ("cover", "image")]
    media = LocalMediaStore(env.settings.media_dir)
    return [media.path(key) for key in keys]


async def test_a_hit_is_replicated_once_into_checked_drafts_linked_to_the_source(
    env: MetricsEnv, owner: TestUser, constellation: Constellation, first_sync: FirstSync
) -> None:
    first = first_sync.result

    hits = {hit["item_id"] for hit in first["hits"]}
    assert constellation.clear_hits <= hits
    assert not hits & constellation.clear_misses
    assert hits == constellation.clear_hits  # every item is one or the other
    started = first["replications_started"]
    assert sorted(started) == sorted(f"replicate-{owner.tenant_id}-{item}" for item in hits)
    results = first_sync.replications
    assert all(r.status == "done" and len(r.variant_content_ids) == RULE.variant_count for r in results)

    item_id = sorted(constellation.clear_hits)[0]
    source_id = constellation.contents[item_id]
    replication = (await env.http.get("/api/v1/replications", headers=owner.headers)).json()
    row = next(r for r in replication if r["source_item_id"] == item_id)
    assert row["source_content_id"] == source_id and row["status"] == "done"
    assert row["hook"]["formula"] == "number" and row["auto_schedule"] == "not_requested"
    for content_id in row["variant_content_ids"]:
        content = (await env.http.get(f"/api/v1/contents/{content_id}", headers=owner.headers)).json()
        assert content["status"] == "draft" and content["kind"] == "image_post"
        assert content["source_content_id"] == source_id
        assert content["compliance"]["passed"] is True
        assert content["workflow_id"] == row["workflow_id"]
        # An image-text variant is publishable as it is: its images are drawn and stored.
        images = await variant_images(env, owner.tenant_id, content_id)
        assert len(images) == len(content["body"]["images"]) >= 1
        assert all(path.is_file() and path.stat().st_size > 0 for path in images)

    drafts = await variants_of(env, owner.tenant_id, list(constellation.contents.values()))
    second = await env.sync(owner, constellation.account_id)

    assert second["replications_started"] == []
    assert constellation.clear_hits <= set(second["already_replicated"])
    assert await variants_of(env, owner.tenant_id, list(constellation.contents.values())) == drafts


async def test_a_second_start_for_the_same_hit_is_refused_or_writes_nothing(
    env: MetricsEnv,
    temporal_env: WorkflowEnvironment,
    owner: TestUser,
    constellation: Constellation,
    first_sync: FirstSync,
) -> None:
    item_id = sorted(constellation.clear_hits)[0]
    hit = Hit(
        item_id=item_id, metric="play_count", value=9, baseline_median=1, ratio=9, samples=9, age_seconds=9
    )
    arg = ReplicationInput(tenant_id=owner.tenant_id, account_id=constellation.account_id, hit=hit)
    drafts = await variants_of(env, owner.tenant_id, list(constellation.contents.values()))

    with pytest.raises(WorkflowAlreadyStartedError):
        await temporal_env.client.start_workflow(
            "ReplicationWorkflow",
            arg,
            id=f"replicate-{owner.tenant_id}-{item_id}",
            task_queue=queue(env.settings, ORCHESTRATION),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    # Past the server's retention the id is free again; content-center's row still says "done".
    again = await temporal_env.client.execute_workflow(
        "ReplicationWorkflow",
        arg,
        id=f"replicate-after-retention-{owner.tenant_id}-{item_id}",
        task_queue=queue(env.settings, ORCHESTRATION),
        result_type=ReplicationResult,
    )

    assert again.duplicate and again.status == "done"
    assert await variants_of(env, owner.tenant_id, list(constellation.contents.values())) == drafts


@activity.defn(name="generate_variants")
async def model_down(request: VariantRequest) -> VariantResult:
    raise ApplicationError("model service unavailable", type="ModelUnavailable", non_retryable=True)


async def test_a_generation_that_fails_is_recorded_and_reported_not_left_running(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, constellation: Constellation
) -> None:
    item_id = sorted(constellation.clear_misses)[0]
    hit = Hit(
        item_id=item_id, metric="play_count", value=9, baseline_median=1, ratio=9, samples=9, age_seconds=9
    )
    prefix = f"fail{uuid.uuid4().hex[:6]}-"
    store = ContentActivities(env.sessionmaker)
    workers = [
        Worker(temporal_env.client, task_queue=f"{prefix}{ORCHESTRATION}", workflows=[ReplicationWorkflow]),
        Worker(temporal_env.client, task_queue=f"{prefix}{AGENT_CENTER}", activities=[model_down]),
        Worker(temporal_env.client, task_queue=f"{prefix}{CONTENT_CENTER}",
               activities=[store.begin_replication, store.finish_replication]),
    ]  # fmt: skip
    async with contextlib.AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker)
        result = await temporal_env.client.execute_workflow(
            "ReplicationWorkflow",
            ReplicationInput(tenant_id=owner.tenant_id, account_id=constellation.account_id, hit=hit),
            id=f"replicate-{owner.tenant_id}-{item_id}",
            task_queue=f"{prefix}{ORCHESTRATION}",
            result_type=ReplicationResult,
        )

    assert result.status == "failed" and result.variant_content_ids == []
    assert "model service unavailable" in result.rejected[0].reason
    notes = (await env.http.get("/api/v1/notifications", headers=owner.headers)).json()["items"]
    assert any(n["object_id"] == result.replication_id and n["title"] == "爆款复制未完成" for n in notes)


async def test_operators_are_notified_and_only_their_tenant_sees_it(
    env: MetricsEnv, owner: TestUser, constellation: Constellation, first_sync: FirstSync
) -> None:
    stranger = await env.user("viral-stranger")
    listed = (await env.http.get("/api/v1/notifications", headers=owner.headers)).json()
    replicated = [n for n in listed["items"] if n["kind"] == "viral_replication"]
    assert len(replicated) >= len(constellation.clear_hits) and listed["unread"] >= len(replicated)
    target = replicated[0]

    foreign_read = await env.http.post(f"/api/v1/notifications/{target['id']}/read", headers=stranger.headers)
    read = await env.http.post(f"/api/v1/notifications/{target['id']}/read", headers=owner.headers)
    unread = (
        await env.http.get("/api/v1/notifications", params={"unread": "true"}, headers=owner.headers)
    ).json()
    theirs = (await env.http.get("/api/v1/notifications", headers=stranger.headers)).json()
    link = await env.http.get(target["link"], headers=owner.headers)
    foreign_link = await env.http.get(target["link"], headers=stranger.headers)

    assert foreign_read.status_code == 404
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert target["id"] not in [n["id"] for n in unread["items"]] and unread["unread"] == listed["unread"] - 1
    assert theirs == {"items": [], "unread": 0}
    assert link.status_code == 200 and foreign_link.status_code == 404
    assert (
        await env.http.get("/api/v1/viral-rules", headers=stranger.headers)
    ).json() == ViralRuleSpec().model_dump()


async def calendar_entries(env: MetricsEnv, tenant_id: str) -> list[CalendarEntry]:
    async with env.sessionmaker() as session:
        rows = await session.scalars(select(CalendarEntry).where(CalendarEntry.tenant_id == tenant_id))
        return list(rows)


async def test_auto_scheduled_variants_get_spaced_calendar_entries_once(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, constellation: Constellation
) -> None:
    item_id = sorted(constellation.clear_misses)[1]
    account_id = constellation.account_id
    delay = timedelta(minutes=env.settings.replication_schedule_delay_minutes)
    spacing = timedelta(minutes=env.settings.calendar_min_spacing_minutes)
    started = datetime.now(UTC)
    # An operator's entry right where the first variant would go: the variants must keep clear of it.
    planned = await env.http.post(
        "/api/v1/calendar/entries",
        json={
            "content_id": constellation.contents[item_id],
            "account_id": account_id,
            "run_at": (started + delay + timedelta(minutes=1)).isoformat(),
        },
        headers=owner.headers,
    )
    assert planned.status_code == 201, planned.text
    hit = Hit(
        item_id=item_id, metric="play_count", value=9, baseline_median=1, ratio=9, samples=9, age_seconds=9
    )
    arg = ReplicationInput(
        tenant_id=owner.tenant_id, account_id=account_id, hit=hit, variant_count=2, auto_schedule=True
    )
    entry_ids: list[str] = []
    try:
        result = await temporal_env.client.execute_workflow(
            "ReplicationWorkflow",
            arg,
            id=f"replicate-{owner.tenant_id}-{item_id}",
            task_queue=queue(env.settings, ORCHESTRATION),
            result_type=ReplicationResult,
        )
        entry_ids = result.calendar_entry_ids

        assert result.status == "done" and len(result.variant_content_ids) == 2
        assert result.auto_schedule == "scheduled" and len(entry_ids) == 2
        entries = {e.id: e for e in await calendar_entries(env, owner.tenant_id)}
        ours = [entries[i] for i in entry_ids]
        assert sorted(e.content_id for e in ours) == sorted(result.variant_content_ids)
        assert all(e.kind == "one_off" and e.account_id == account_id for e in ours)
        assert all(e.run_at is not None and e.run_at >= started + delay for e in ours)
        times = sorted(e.run_at for e in entries.values() if e.run_at is not None)
        assert len(times) == 3 and all(b - a >= spacing for a, b in itertools.pairwise(times))
        for entry in ours:
            described = await temporal_env.client.get_schedule_handle(
                ids.calendar_schedule_id(entry.id)
            ).describe()
            assert described.schedule.state.remaining_actions == 1
        row = (
            await env.http.get(f"/api/v1/replications/{result.replication_id}", headers=owner.headers)
        ).json()
        assert row["auto_schedule"] == "scheduled" and row["calendar_entry_ids"] == entry_ids
        notes = (await env.http.get("/api/v1/notifications", headers=owner.headers)).json()["items"]
        note = next(n for n in notes if n["object_id"] == result.replication_id)
        assert "已自动排入内容日历 2 条" in note["body"]

        # A second detection is a duplicate, and the scheduling itself, replayed, finds its entries.
        again = await temporal_env.client.execute_workflow(
            "ReplicationWorkflow",
            arg,
            id=f"replicate-again-{owner.tenant_id}-{item_id}",
            task_queue=queue(env.settings, ORCHESTRATION),
            result_type=ReplicationResult,
        )
        replayed = await OrchestrationActivities(
            temporal_env.client, env.settings, env.sessionmaker
        ).schedule_replication_variants(
            ScheduleVariants(
                tenant_id=owner.tenant_id,
                replication_id=result.replication_id,
                account_id=account_id,
                content_ids=result.variant_content_ids,
            )
        )

        assert again.duplicate and again.calendar_entry_ids == entry_ids
        assert replayed.status == "scheduled" and replayed.entry_ids == entry_ids
        assert len(await calendar_entries(env, owner.tenant_id)) == 3
    finally:
        # Nothing is left to fire after the test (the entries are due in an hour).
        for entry_id in [*entry_ids, planned.json().get("id", "")]:
            if entry_id:
                with contextlib.suppress(Exception):
                    await temporal_env.client.get_schedule_handle(ids.calendar_schedule_id(entry_id)).delete()


async def test_variants_are_not_scheduled_on_an_account_that_cannot_publish(
    env: MetricsEnv, temporal_env: WorkflowEnvironment, owner: TestUser, constellation: Constellation
) -> None:
    activities = OrchestrationActivities(temporal_env.client, env.settings, env.sessionmaker)
    before = len(await calendar_entries(env, owner.tenant_id))

    planned = await activities.schedule_replication_variants(
        ScheduleVariants(
            tenant_id=owner.tenant_id,
            replication_id=str(uuid.uuid4()),
            account_id="unbound-account",
            content_ids=list(constellation.contents.values())[:2],
        )
    )

    assert planned.status == "failed" and planned.entry_ids == []
    assert planned.reason is not None and "unbound-account not found" in planned.reason
    assert len(await calendar_entries(env, owner.tenant_id)) == before


def test_free_slots_keep_the_spacing_from_planned_publishes_and_from_each_other() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, 500_000, tzinfo=UTC)
    spacing = timedelta(minutes=10)
    taken = [now + timedelta(minutes=3), now + timedelta(minutes=25)]

    slots = free_slots(taken, now, 3, spacing)

    assert slots == [
        datetime(2026, 1, 1, 12, 13, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 12, 35, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 12, 45, 1, tzinfo=UTC),
    ]
    # Without a minimum spacing, still one variant per minute.
    assert free_slots([], now, 2, timedelta(0)) == [
        datetime(2026, 1, 1, 12, 0, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 12, 1, 1, tzinfo=UTC),
    ]


def candidate(value: int, median: float | None, samples: int) -> HitCandidate:
    return HitCandidate(item_id="i", age_seconds=3600, value=value, baseline_median=median, samples=samples)


def test_the_rule_is_relative_to_the_baseline_and_guarded_by_samples_and_floor() -> None:
    rule = ViralRuleSpec(ratio=3, min_samples=5, min_value=100)

    assert judge(candidate(3000, 1000, 5), rule) is not None
    assert judge(candidate(2999, 1000, 5), rule) is None  # below the ratio
    assert judge(candidate(3000, 1000, 4), rule) is None  # too few other items to call it a baseline
    assert judge(candidate(90, 10, 50), rule) is None  # a big ratio of tiny numbers is noise
    assert judge(candidate(300_000, 100_000, 50), rule) is not None  # any account size, same rule
    assert judge(candidate(3000, None, 0), rule) is None
