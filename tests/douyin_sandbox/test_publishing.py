"""Publishing through the real client: uploads (simple and in parts), creates, single-use ids, review."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from activities.douyin.client import DouyinClient, VideoItem
from activities.douyin.errors import DouyinReauthRequired, DouyinRejected
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.conftest import CLIENT_CHUNK_SIZE, CLIENT_SIMPLE_THRESHOLD
from tests.douyin_sandbox.helpers import png_bytes, video_file

OPEN_ID = ENTERPRISE_OPEN_ID


async def test_simple_upload_and_create(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    await douyin_sandbox.freeze_clock()  # the review stays pending however slow this machine is
    token = enterprise_tokens["access_token"]
    uploaded = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 3000))
    assert uploaded.video_id.startswith("v0200f") and len(uploaded.video_id) == 32
    item = await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "第一条视频 #咖啡")
    assert item.item_id.startswith("@") and item.item_id.endswith("==")
    assert item.video_id and item.video_id.isdigit()
    [stored] = await douyin_sandbox.items(OPEN_ID)
    assert stored["item_id"] == item.item_id and stored["media_type"] == 4
    assert stored["is_reviewed"] is False and stored["video_status"] == 4


async def test_video_id_is_single_use(
    douyin_client: DouyinClient, enterprise_tokens: dict[str, Any], tmp_path: Path
):
    token = enterprise_tokens["access_token"]
    uploaded = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 2000))
    await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "一次")
    with pytest.raises(DouyinRejected) as reused:
        await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "两次")
    assert reused.value.code == 2190007


async def test_video_id_belongs_to_its_uploader(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    uploaded = await douyin_client.upload_video(
        enterprise_tokens["access_token"], OPEN_ID, video_file(tmp_path, 900)
    )
    other = await douyin_sandbox.issue_tokens(PERSONAL_OPEN_ID)
    with pytest.raises(DouyinRejected):
        await douyin_client.create_video(other["access_token"], PERSONAL_OPEN_ID, uploaded.video_id, "借用")


async def test_chunked_upload_above_threshold(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    size = CLIENT_SIMPLE_THRESHOLD + CLIENT_CHUNK_SIZE + 123  # three parts, the last one short
    path = video_file(tmp_path, size)
    token = enterprise_tokens["access_token"]
    uploaded = await douyin_client.upload_video(token, OPEN_ID, path)
    assert uploaded.video_id.startswith("v0200f")
    item = await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "分片上传")
    stored = await douyin_sandbox.admin("GET", "item", item_id=item.item_id)
    assert stored["media_ids"] == [uploaded.video_id]
    media = await douyin_sandbox.admin("GET", "media", digest="true")
    assert media[uploaded.video_id]["size"] == size
    assert media[uploaded.video_id]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


async def test_parts_below_minimum_are_refused(
    douyin_sandbox: RunningSandbox,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    small_parts = DouyinClient(
        douyin_http, douyin_sandbox.base_url, "douflow-dev-key", "douflow-dev-secret",
        simple_upload_threshold=1000, chunk_size=512,
    )  # fmt: skip
    with pytest.raises(DouyinRejected) as refused:
        await small_parts.upload_video(enterprise_tokens["access_token"], OPEN_ID, video_file(tmp_path, 1600))
    assert refused.value.code == 28001007


async def test_simple_upload_size_cap(
    douyin_sandbox: RunningSandbox,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    big_simple = DouyinClient(
        douyin_http, douyin_sandbox.base_url, "douflow-dev-key", "douflow-dev-secret",
        simple_upload_threshold=1024 * 1024,
    )  # fmt: skip
    too_big = video_file(tmp_path, douyin_sandbox.config.simple_upload_max_bytes + 1)
    with pytest.raises(DouyinRejected) as refused:
        await big_simple.upload_video(enterprise_tokens["access_token"], OPEN_ID, too_big)
    assert refused.value.code == 2190005


async def test_image_text(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    token = enterprise_tokens["access_token"]
    image_path = tmp_path / "b.png"
    image_path.write_bytes(png_bytes(80, 60, "blue"))
    first = await douyin_client.upload_image(token, OPEN_ID, png_bytes(), filename="a.png")
    second = await douyin_client.upload_image(token, OPEN_ID, image_path)
    assert first.image_id.startswith("@") and (second.width, second.height) == (80, 60)
    item = await douyin_client.create_image_text(
        token, OPEN_ID, [first.image_id, second.image_id], "图文 #探店"
    )
    stored = await douyin_sandbox.admin("GET", "item", item_id=item.item_id)
    assert stored["media_type"] == 2 and stored["media_ids"] == [first.image_id, second.image_id]
    with pytest.raises(DouyinRejected) as reused:
        await douyin_client.create_image_text(token, OPEN_ID, [first.image_id], "再发一次")
    assert reused.value.code == 2190007


async def test_image_text_limits(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, enterprise_tokens: dict[str, Any]
):
    await douyin_sandbox.update_config(max_images_per_post=2)
    token = enterprise_tokens["access_token"]
    ids = [(await douyin_client.upload_image(token, OPEN_ID, png_bytes())).image_id for _ in range(3)]
    with pytest.raises(DouyinRejected) as too_many:
        await douyin_client.create_image_text(token, OPEN_ID, ids, "三张")
    assert too_many.value.code == 28001007
    with pytest.raises(DouyinRejected):
        await douyin_client.upload_image(token, OPEN_ID, b"not an image")


async def test_review_publishes_or_rejects(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    token = enterprise_tokens["access_token"]
    await douyin_sandbox.freeze_clock()
    good_video = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 500, "a.mp4"))
    bad_video = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 500, "b.mp4"))
    good = await douyin_client.create_video(token, OPEN_ID, good_video.video_id, "今日新品拿铁")
    bad = await douyin_client.create_video(token, OPEN_ID, bad_video.video_id, "优惠多多，加微信领券")

    [fresh] = await douyin_client.video_data(token, OPEN_ID, [good.item_id])
    assert not fresh.is_reviewed and fresh.video_status == 4 and fresh.share_url == ""

    async def reviewed() -> list[VideoItem] | None:
        items = await douyin_client.video_data(token, OPEN_ID, [good.item_id, bad.item_id])
        return items if all(item.is_reviewed for item in items) else None

    review_delay = douyin_sandbox.config.review_delay
    await douyin_sandbox.advance_clock(review_delay / 2)
    assert await reviewed() is None  # still under review halfway through
    await douyin_sandbox.advance_clock(review_delay)
    settled = await reviewed()
    assert settled is not None
    passed, rejected = settled
    assert passed.is_public and passed.share_url.startswith("https://")
    assert rejected.is_rejected and rejected.share_url == ""
    assert rejected.statistics.play_count == 0
    shown = await douyin_sandbox.admin("GET", "item", item_id=bad.item_id)
    assert "加微信" in shown["reject_reason"]


async def test_blocked_words_refused_at_create(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    enterprise_tokens: dict[str, Any],
    tmp_path: Path,
):
    await douyin_sandbox.update_config(create_blocked_words=["赌场"])
    token = enterprise_tokens["access_token"]
    uploaded = await douyin_client.upload_video(token, OPEN_ID, video_file(tmp_path, 500))
    with pytest.raises(DouyinRejected) as sensitive:
        await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "线上赌场")
    assert sensitive.value.code == 2111001
    await douyin_client.create_video(token, OPEN_ID, uploaded.video_id, "咖啡")  # id still unused


async def test_publishing_scope_required(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, tmp_path: Path
):
    tokens = await douyin_sandbox.issue_tokens(OPEN_ID, scopes=["user_info"])
    with pytest.raises(DouyinReauthRequired) as denied:
        await douyin_client.upload_video(tokens["access_token"], OPEN_ID, video_file(tmp_path, 100))
    assert denied.value.code == 28001012
