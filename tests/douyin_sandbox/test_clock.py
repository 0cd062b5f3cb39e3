"""The sandbox clock and pinned growth: time passes only when a test says so, items grow as it decides."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from activities.douyin.client import DouyinClient
from douyin_sandbox.clock import SandboxClock
from douyin_sandbox.items import seed_for, takes_off
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import png_bytes

OPEN_ID = ENTERPRISE_OPEN_ID
NEW_YEAR = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_clock_is_real_time_until_frozen_and_advances_either_way() -> None:
    real = FakeTime(1000.0)
    clock = SandboxClock(real)
    assert clock.now() == 1000.0 and not clock.state().frozen

    assert clock.freeze().now == 1000.0
    real.now = 1050.0
    assert clock.now() == 1000.0  # frozen: real time passing changes nothing
    assert clock.advance(30).now == 1030.0
    assert clock.freeze(5.0).now == 5.0

    assert clock.use_real_time().now == 1050.0
    state = clock.advance(60)  # running: an offset on real time
    assert (state.now, state.frozen, state.offset) == (1110.0, False, 60.0)
    real.now = 1051.0
    assert clock.now() == 1111.0
    assert clock.use_real_time() == clock.state() and clock.now() == 1051.0
    with pytest.raises(ValueError):
        clock.advance(-1)


async def publish_image(client: DouyinClient, token: str, text: str) -> str:
    image = await client.upload_image(token, OPEN_ID, png_bytes())
    return (await client.create_image_text(token, OPEN_ID, [image.image_id], text)).item_id


async def test_a_frozen_clock_dates_items_and_envelopes(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
) -> None:
    token = enterprise_tokens["access_token"]
    assert await douyin_sandbox.freeze_clock(NEW_YEAR) == NEW_YEAR
    item_id = await publish_image(douyin_client, token, "冻结的时钟")
    listed = await douyin_http.get(
        f"{douyin_sandbox.base_url}/api/douyin/v1/video/video_list/",
        params={"open_id": OPEN_ID, "count": 10},
        headers={"access-token": token},
    )
    body = listed.json()

    [row] = body["data"]["list"]
    assert (row["item_id"], int(row["create_time"])) == (item_id, int(NEW_YEAR))
    assert int(body["extra"]["now"]) == int(NEW_YEAR * 1000)
    assert body["extra"]["logid"].startswith("20260101080000"), "log ids carry Beijing time"
    assert not row["is_reviewed"]  # review_delay has not passed on the sandbox's clock
    assert await douyin_sandbox.advance_clock(1) == NEW_YEAR + 1
    assert (await douyin_sandbox.item(item_id))["is_reviewed"]


async def test_reset_and_use_real_time_return_to_real_time(douyin_sandbox: RunningSandbox) -> None:
    await douyin_sandbox.freeze_clock(NEW_YEAR)
    await douyin_sandbox.use_real_time()
    assert abs(await douyin_sandbox.now() - time.time()) < 5

    await douyin_sandbox.advance_clock(3600)
    ahead = await douyin_sandbox.clock()
    assert not ahead["frozen"] and ahead["offset"] == 3600 and ahead["now"] - time.time() > 3590

    await douyin_sandbox.freeze_clock(NEW_YEAR)
    await douyin_sandbox.reset()
    state = await douyin_sandbox.clock()
    assert not state["frozen"] and state["offset"] == 0 and abs(state["now"] - time.time()) < 5


async def test_the_clock_refuses_to_go_backwards(douyin_sandbox: RunningSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await douyin_sandbox.advance_clock(-1)
    assert refused.value.response.status_code == 422


async def test_pinned_profiles_decide_growth_exactly(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
) -> None:
    token = enterprise_tokens["access_token"]
    await douyin_sandbox.freeze_clock(NEW_YEAR)
    steady, flying, seeded = [await publish_image(douyin_client, token, f"第{n}条") for n in range(3)]
    await douyin_sandbox.pin_profile(steady, reach=1000, takes_off=False, tau=600)
    shown = await douyin_sandbox.pin_profile(flying, reach=1000, takes_off=True, boost=5, tau=600)
    partly = await douyin_sandbox.pin_profile(seeded, reach=2000)
    await douyin_sandbox.advance_clock(3600)

    plays = {
        row.item_id: row.statistics.play_count
        for row in await douyin_client.video_data(token, OPEN_ID, [steady, flying, seeded])
    }
    assert shown["growth"] == {"reach": 1000, "takes_off": True, "boost": 5, "tau": 600, "audience": 5000}
    assert 990 < plays[steady] < 1100  # about its reach after six time constants
    assert 5 * plays[steady] <= plays[flying] < 5 * plays[steady] + 5
    # Fields left out follow the item's seed.
    assert partly["growth"]["reach"] == 2000
    assert partly["growth"]["takes_off"] == takes_off(seed_for(seeded))
    # A new pin replaces the old one: back to the seed's reach.
    assert (await douyin_sandbox.pin_profile(seeded))["growth"]["reach"] == 300 + seed_for(seeded) % 4700


async def test_pinning_an_unknown_item_is_a_404(douyin_sandbox: RunningSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        await douyin_sandbox.pin_profile("@nope==", reach=10)
    assert unknown.value.response.status_code == 404
