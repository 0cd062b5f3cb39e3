"""Data endpoints: cursor paging, numbers sent as strings, and statistics that grow plausibly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from activities.douyin.client import DouyinClient, PublishedItem
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.items import STAT_FIELDS, seed_for, statistics, takes_off
from douyin_sandbox.store import Item
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import video_file

OPEN_ID = ENTERPRISE_OPEN_ID


async def publish(client: DouyinClient, token: str, tmp_path: Path, text: str) -> PublishedItem:
    uploaded = await client.upload_video(token, OPEN_ID, video_file(tmp_path, 300, f"{abs(hash(text))}.mp4"))
    return await client.create_video(token, OPEN_ID, uploaded.video_id, text)


async def test_video_list_pages_newest_first(
    douyin_client: DouyinClient, enterprise_tokens: dict[str, Any], tmp_path: Path
):
    token = enterprise_tokens["access_token"]
    published = [await publish(douyin_client, token, tmp_path, f"第{n}条") for n in range(3)]
    first = await douyin_client.video_list(token, OPEN_ID, cursor=0, count=2)
    assert first.has_more and [i.item_id for i in first.items] == [p.item_id for p in published[::-1][:2]]
    second = await douyin_client.video_list(token, OPEN_ID, cursor=first.cursor, count=2)
    assert not second.has_more and [i.item_id for i in second.items] == [published[0].item_id]


async def test_count_out_of_range_is_a_business_error(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, enterprise_tokens: dict[str, Any]
):
    response = await douyin_http.get(
        f"{douyin_sandbox.base_url}/api/douyin/v1/video/video_list/",
        params={"open_id": OPEN_ID, "count": 500},
        headers={"access-token": enterprise_tokens["access_token"]},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["error_code"] == 28001007 == body["extra"]["error_code"]
    assert body["extra"]["log_id"]


async def test_statistics_grow_and_parse_from_strings(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    await douyin_sandbox.update_config(review_delay=0, time_scale=20_000)
    await douyin_sandbox.freeze_clock()
    token = enterprise_tokens["access_token"]
    items = [await publish(douyin_client, token, tmp_path, f"咖啡{n}") for n in range(4)]
    ids = [item.item_id for item in items]

    async def counts() -> dict[str, int]:
        rows = await douyin_client.video_data(token, OPEN_ID, ids)
        return {row.item_id: row.statistics.play_count for row in rows}

    assert set((await counts()).values()) == {0}  # public at once, but no time has passed
    await douyin_sandbox.advance_clock(0.1)  # half an hour at this time scale
    before = await counts()
    assert before == await counts()  # a frozen clock: every read agrees
    await douyin_sandbox.advance_clock(0.3)
    after = await counts()
    assert all(before.values()), before
    assert all(after[i] > before[i] for i in ids), (before, after)

    raw = await douyin_http.post(
        f"{douyin_sandbox.base_url}/api/douyin/v1/video/video_data/",
        params={"open_id": OPEN_ID},
        headers={"access-token": token},
        json={"item_ids": ids},
    )
    body = raw.json()
    assert isinstance(body["extra"]["now"], str)
    assert any(isinstance(row["statistics"]["play_count"], str) for row in body["data"]["list"]) or all(
        seed_for(i) % 2 for i in ids
    )


def _item(seed_text: str, review_at: float = 0.0) -> Item:
    return Item(
        item_id=seed_text, video_id="1", open_id=OPEN_ID, media_type=4, text="", media_ids=[], created_at=0,
        review_at=review_at, seq=1, seed=seed_for(seed_text), is_reviewed=True, video_status=5,
    )  # fmt: skip


def test_statistics_are_deterministic_monotonic_and_saturating():
    item = _item("@sample==")
    ages = [0, 60, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400]
    series = [statistics(item, age, 1.0) for age in ages]
    assert series[0] == dict.fromkeys(STAT_FIELDS, 0)
    for field in STAT_FIELDS:
        values = [point[field] for point in series]
        assert values == sorted(values), field
    plays = [point["play_count"] for point in series]
    assert plays[3] - plays[1] > plays[8] - plays[7]  # fast early, slow late
    assert statistics(item, 3600, 1.0) == statistics(item, 3600, 1.0)
    assert statistics(item, 36, 100.0) == statistics(item, 3600, 1.0)  # time_scale speeds the clock


def test_about_one_in_eight_items_takes_off():
    seeds = [seed_for(f"@item-{n}==") for n in range(4000)]
    share = sum(takes_off(seed) for seed in seeds) / len(seeds)
    assert 0.09 < share < 0.16
    day = 86_400
    flying = [
        statistics(_item(f"@item-{n}=="), day, 1.0)["play_count"] for n in range(400) if takes_off(seeds[n])
    ]
    normal = [
        statistics(_item(f"@item-{n}=="), day, 1.0)["play_count"]
        for n in range(400)
        if not takes_off(seeds[n])
    ]
    assert sum(flying) / len(flying) > 3 * sum(normal) / len(normal)


def test_unpublished_items_have_no_numbers():
    item = _item("@x==")
    item.video_status = 4
    assert statistics(item, 10_000, 1.0) == dict.fromkeys(STAT_FIELDS, 0)
    assert SandboxConfig().numbers_as_strings
