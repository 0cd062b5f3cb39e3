"""Fault switches: busy and rate-limit codes, latency, seeded repeatability, lost replies after commit."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from activities.douyin.client import DouyinClient
from activities.douyin.errors import (
    DouyinError,
    DouyinRateLimited,
    DouyinTokenExpired,
    DouyinTransientError,
    DouyinUnknownOutcome,
)
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import png_bytes, video_file

OPEN_ID = ENTERPRISE_OPEN_ID


async def test_system_busy_is_transient(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.set_faults(busy_ratio=1.0)
    with pytest.raises(DouyinTransientError) as busy:
        await douyin_client.video_list(enterprise_tokens["access_token"], OPEN_ID)
    assert busy.value.code == 28001005 and not isinstance(busy.value, DouyinRateLimited)
    assert busy.value.log_id


async def test_rate_limit_carries_retry_after(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.set_faults(rate_limit_ratio=1.0)
    with pytest.raises(DouyinRateLimited) as limited:
        await douyin_client.video_data(enterprise_tokens["access_token"], OPEN_ID, ["@x=="])
    assert limited.value.code == 28003018 and limited.value.retry_after > 0
    with pytest.raises(DouyinRateLimited):  # the err_no envelope maps the same way
        await douyin_client.user_info(enterprise_tokens["access_token"], OPEN_ID)


async def test_seeded_faults_repeat(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    async def run() -> list[str]:
        await douyin_sandbox.set_faults(busy_ratio=0.3, rate_limit_ratio=0.3, seed=1234)
        outcomes = []
        for _ in range(20):
            try:
                await douyin_client.video_list(enterprise_tokens["access_token"], OPEN_ID)
                outcomes.append("ok")
            except DouyinError as exc:
                outcomes.append(type(exc).__name__)
        return outcomes

    first, second = await run(), await run()
    assert first == second
    assert {"ok", "DouyinTransientError", "DouyinRateLimited"} == set(first)


async def test_each_endpoint_meets_its_own_seeded_faults_whatever_runs_between(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    token = enterprise_tokens["access_token"]

    async def outcome(call: Any) -> str:
        try:
            await call
        except DouyinError as exc:
            return type(exc).__name__
        return "ok"

    async def listings(interleaved: int) -> list[str]:
        await douyin_sandbox.set_faults(busy_ratio=0.5, seed=99)
        seen = []
        for _ in range(12):
            for _ in range(interleaved):  # calls of another endpoint draw from another stream
                await outcome(douyin_client.video_data(token, OPEN_ID, ["@x=="]))
            seen.append(await outcome(douyin_client.video_list(token, OPEN_ID)))
        return seen

    alone, mixed = await listings(0), await listings(2)
    assert alone == mixed and {"ok", "DouyinTransientError"} == set(alone)


async def test_latency(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.set_faults(latency_ms=300)
    started = time.monotonic()
    await douyin_client.video_list(enterprise_tokens["access_token"], OPEN_ID)
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("mode", ["drop", "500"])
async def test_lost_reply_after_commit_is_an_unknown_outcome(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
    mode: str,
):
    token = enterprise_tokens["access_token"]
    uploaded = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 700))
    await douyin_sandbox.set_faults(fail_after_commit_ratio=1.0, fail_after_commit_mode=mode)
    sent_at = int(time.time())
    with pytest.raises(DouyinUnknownOutcome):
        await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, f"断线测试 {mode}")
    await douyin_sandbox.clear_faults()

    assert len(await douyin_sandbox.items(OPEN_ID)) == 1  # it did happen
    found = await douyin_client.find_item(token, OPEN_ID, title=f"断线测试 {mode}", created_after=sent_at - 1)
    assert found is not None
    [listed] = (await douyin_client.video_list(token, OPEN_ID)).items
    assert listed.item_id == found.item_id


async def test_reply_too_slow_is_an_unknown_outcome(
    douyin_sandbox: RunningSandbox,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    impatient = DouyinClient(
        douyin_http, douyin_sandbox.base_url, "douflow-dev-key", "douflow-dev-secret",
        api_timeout=httpx.Timeout(0.5),
    )  # fmt: skip
    token = enterprise_tokens["access_token"]
    uploaded = await impatient.upload_video(token, OPEN_ID, video_file(tmp_path, 700))
    image = await impatient.upload_image(token, OPEN_ID, png_bytes())
    await douyin_sandbox.set_faults(
        fail_after_commit_ratio=1.0, fail_after_commit_mode="hang", hang_seconds=1.0
    )
    with pytest.raises(DouyinUnknownOutcome):
        await impatient.create_image_text(token, OPEN_ID, [image.image_id], "慢回复")
    await douyin_sandbox.clear_faults()
    assert [item["title"] for item in await douyin_sandbox.items(OPEN_ID)] == ["慢回复"]
    assert uploaded.video_id  # reads and uploads are unaffected by the commit fault


async def test_commit_fault_leaves_reads_alone(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.set_faults(fail_after_commit_ratio=1.0)
    page = await douyin_client.video_list(enterprise_tokens["access_token"], OPEN_ID)
    assert page.items == []


async def test_forced_token_expiry_and_scope_removal(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.set_faults(expire_tokens=[OPEN_ID])
    with pytest.raises(DouyinTokenExpired):
        await douyin_client.video_list(enterprise_tokens["access_token"], OPEN_ID)
    fresh = await douyin_client.refresh_access_token(enterprise_tokens["refresh_token"])
    await douyin_client.video_list(fresh.access_token, OPEN_ID)

    await douyin_sandbox.set_faults(remove_scopes={OPEN_ID: ["video.list.bind"]})
    with pytest.raises(DouyinError) as missing:
        await douyin_client.video_list(fresh.access_token, OPEN_ID)
    assert missing.value.code == 28001012
    await douyin_client.video_data(fresh.access_token, OPEN_ID, ["@x=="])  # other scopes intact
