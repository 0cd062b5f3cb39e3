"""Local cover rendering, the image API client, and the create_image activity."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.agent.activities import AgentActivities
from activities.agent.images import COVER_SIZE, CoverRenderer, OpenAIImageGenerator, find_cjk_font, wrap_text
from activities.agent.providers.template import TemplateProvider
from douflow.media import LocalMediaStore
from models.generation import ImageRequest, ImageSpec
from tests.support.openai_server import OpenAIServerHandle

SPEC = ImageSpec(description="竖版3:4封面，露营装备平铺俯拍", caption="5个要点一次讲清")


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_cover_is_a_1080x1440_png_and_deterministic() -> None:
    renderer = CoverRenderer()
    args = {
        "title": "还在为夏季露营装备发愁？看这里",
        "caption": "5个要点",
        "seed": "露营",
        "platform": "douyin",
    }
    png = renderer.render_cover(**args)  # type: ignore[arg-type]
    image = _open(png)
    assert image.size == COVER_SIZE
    assert len(image.convert("RGB").getcolors(1_000_000) or []) > 50, "a designed card, not a flat fill"
    assert renderer.render_cover(**args) == png  # type: ignore[arg-type]
    other = renderer.render_cover(**{**args, "seed": "咖啡"})  # type: ignore[arg-type]
    assert other != png


def test_inner_card_is_a_1080x1440_png() -> None:
    png = CoverRenderer().render_card(
        title="标题", caption="对比一目了然", text="别只看参数", index=2, seed="s"
    )
    assert _open(png).size == COVER_SIZE


@pytest.mark.parametrize("brk", ["\n", "\r", "\x1c", "\x85", "\u2029"])
def test_line_breaks_in_a_caption_or_title_are_drawn_on_one_line(brk: str) -> None:
    """Labels are single lines and text shaping fails on a paragraph separator inside one: a topic typed
    with any kind of line break must still render."""
    renderer = CoverRenderer()
    cover = renderer.render_cover(
        title=f"周末{brk}露营", caption=f"5个{brk}要点", seed="s", platform="douyin"
    )
    card = renderer.render_card(
        title=f"标题{brk}第二行",
        caption=f"对比{brk}一目了然",
        text=f"左右{brk}对比",
        index=0,
        seed="s",
    )
    assert _open(cover).size == _open(card).size == COVER_SIZE


def test_cjk_font_is_found_and_wraps_by_width() -> None:
    font_path = find_cjk_font()
    if font_path is None:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_path), 60)
    lines = wrap_text("新手如何挑选咖啡豆？从产地、烘焙度到研磨方式一次讲清楚", font, 600)
    assert len(lines) >= 3 and all(font.getlength(line) <= 600 + 60 for line in lines)
    assert not any(line.startswith(("，", "、", "？")) for line in lines)


def test_missing_font_falls_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("activities.agent.images.FONT_CANDIDATES", ())
    monkeypatch.setenv("DOUFLOW_CJK_FONT", "/nonexistent/font.ttc")
    with caplog.at_level(logging.WARNING):
        renderer = CoverRenderer()
    assert renderer.font_path is None and "CJK font" in caplog.text
    png = renderer.render_cover(title="Title", caption="caption", seed="s", platform="weibo")
    assert _open(png).size == COVER_SIZE


async def test_create_image_renders_cover_and_cards_without_an_image_api(
    media_store: LocalMediaStore,
) -> None:
    activities = AgentActivities(TemplateProvider(), None, media_store, CoverRenderer())
    env = ActivityEnvironment()
    cover = await env.run(
        activities.create_image,
        ImageRequest(tenant_id="t1", title="露营装备", spec=SPEC, index=0, platform="douyin"),
    )
    card = await env.run(
        activities.create_image,
        ImageRequest(tenant_id="t1", title="露营装备", spec=SPEC, index=3, platform="douyin"),
    )
    for image in (cover, card):
        assert image.source == "local_cover" and image.mime_type == "image/png"
        assert (image.width, image.height) == COVER_SIZE
        assert image.storage_key.startswith("t1/") and media_store.exists(image.storage_key)
        assert media_store.path(image.storage_key).stat().st_size == image.size_bytes
        assert image.caption == SPEC.caption and image.description == SPEC.description
    assert media_store.path(cover.storage_key).read_bytes() != media_store.path(card.storage_key).read_bytes()


async def test_create_image_uses_the_image_api_when_configured(
    openai_server: OpenAIServerHandle, media_store: LocalMediaStore
) -> None:
    generator = OpenAIImageGenerator(
        base_url=openai_server.base_url, api_key="sk-test-local", model="img", timeout_seconds=5
    )
    activities = AgentActivities(TemplateProvider(), generator, media_store, CoverRenderer())
    req = ImageRequest(tenant_id="t1", title="露营装备", spec=SPEC, index=1, platform="xiaohongshu")
    try:
        image = await ActivityEnvironment().run(activities.create_image, req)
        assert image.source == "image_api" and image.mime_type == "image/png"
        assert _open(media_store.path(image.storage_key).read_bytes()).size == (image.width, image.height)
        assert SPEC.description in openai_server.bodies[-1]["prompt"]

        openai_server.set(fail_next=1, fail_status=503)
        with pytest.raises(ApplicationError) as caught:
            await ActivityEnvironment().run(activities.create_image, req)
        assert caught.value.type == "ImageUnavailable" and not caught.value.non_retryable

        openai_server.set(fail_next=1, fail_status=401)
        with pytest.raises(ApplicationError) as caught:
            await ActivityEnvironment().run(activities.create_image, req)
        assert caught.value.type == "ImageRequestRejected" and caught.value.non_retryable
    finally:
        await activities.aclose()


def test_media_files_are_not_left_half_written(tmp_path: Path) -> None:
    assert not list(tmp_path.rglob(".tmp-*"))
