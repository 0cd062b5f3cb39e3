"""The template provider writes useful, limited, deterministic text for every feature and platform."""

from __future__ import annotations

import random

import pytest
from pydantic import BaseModel

from activities.agent.compliance import check_fields, flatten_text_fields
from activities.agent.datafiles import load
from activities.agent.providers.template import TemplateProvider
from activities.agent.providers.writer import core_subject
from activities.agent.rules import check_post, check_script, check_titles
from douflow.platforms import rules_for, title_limit
from models.generation import (
    PLATFORMS,
    SCRIPT_TYPES,
    CopyRequest,
    ImagePostRequest,
    Platform,
    ScriptType,
    TitleRequest,
    VideoScriptRequest,
)

TOPICS = [
    "夏季露营装备怎么选",
    "上班族快手减脂早餐",
    "新手如何挑选咖啡豆",
    "租房改造小技巧",
    "Python 入门学习路线",
]
FORMULA_IDS = {f["id"] for f in load("titles")["formula"]} | {load("titles")["short"]["id"]}
SHOT_SIZES = {"特写", "近景", "中景", "全景"}
CAMERAS = {"固定", "推", "拉", "摇", "移", "跟"}


def _mentions(text: str, subject: str, keywords: list[str]) -> bool:
    return subject in text or any(k in text for k in keywords)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_titles_are_distinct_labelled_within_limit_and_on_topic(
    template: TemplateProvider, platform: Platform
) -> None:
    req = TitleRequest(
        topic="夏季露营装备怎么选", audience="露营新手", keywords=["帐篷", "防晒"], platform=platform, count=8
    )
    result = await template.titles(req)
    texts = [c.text for c in result.candidates]
    assert len(texts) == 8
    assert len(set(texts)) == 8
    assert check_titles(result, platform) == []
    assert all(len(c.text) == c.length <= title_limit(platform) for c in result.candidates)
    assert {c.formula for c in result.candidates} <= FORMULA_IDS
    assert len({c.formula for c in result.candidates}) >= 6, "candidates should use different formulas"
    assert all(_mentions(t, "夏季露营装备", req.keywords) for t in texts)


@pytest.mark.parametrize("max_length", [6, 8, 10, 14])
async def test_titles_respect_a_short_max_length_without_cutting_hashtags(
    template: TemplateProvider, max_length: int
) -> None:
    req = TitleRequest(topic="夏季露营装备怎么选", platform="xiaohongshu", count=20, max_length=max_length)
    result = await template.titles(req)
    assert len(result.candidates) == 20
    assert check_titles(result, "xiaohongshu", max_length) == []
    assert all(not c.text.endswith(("，", "：", "#", "、")) for c in result.candidates)


async def test_keywords_appear_in_titles_when_given(template: TemplateProvider) -> None:
    result = await template.titles(TitleRequest(topic="居家健身", keywords=["弹力带"], count=20))
    assert any("弹力带" in c.text for c in result.candidates)


async def test_same_input_same_output_and_different_input_different_output(
    template: TemplateProvider,
) -> None:
    req = CopyRequest(topic="租房改造小技巧", platform="douyin", tone="幽默")
    assert await template.platform_copy(req) == await template.platform_copy(req)
    other = await template.platform_copy(req.model_copy(update={"topic": "宿舍收纳好物"}))
    assert other != await template.platform_copy(req)
    assert "宿舍收纳好物" in other.title + other.body
    titles_a = await template.titles(TitleRequest(topic="租房改造小技巧"))
    titles_b = await template.titles(TitleRequest(topic="租房改造小技巧", audience="大学生"))
    assert titles_a != titles_b


async def test_generation_does_not_touch_global_randomness(template: TemplateProvider) -> None:
    state = random.getstate()
    await template.video_script(VideoScriptRequest(topic="新手如何挑选咖啡豆"))
    assert random.getstate() == state


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_copy_follows_the_platform_rules(template: TemplateProvider, platform: Platform) -> None:
    req = CopyRequest(topic="上班族快手减脂早餐", keywords=["减脂", "早餐"], platform=platform)
    copy = await template.platform_copy(req)
    rules = rules_for(platform)
    assert check_post(copy) == []
    assert copy.platform == platform
    assert "上班族快手减脂早餐" in copy.body
    assert rules.hashtag_min <= len(copy.hashtags) <= rules.hashtag_max
    assert all(k in copy.body + "".join(copy.hashtags) for k in req.keywords)


async def test_platform_styles(template: TemplateProvider) -> None:
    brief = {"topic": "周末带娃去哪玩", "keywords": ["亲子"]}
    douyin = await template.platform_copy(CopyRequest(platform="douyin", **brief))
    xhs = await template.platform_copy(CopyRequest(platform="xiaohongshu", **brief))
    wechat = await template.platform_copy(CopyRequest(platform="wechat_mp", **brief))
    weibo = await template.platform_copy(CopyRequest(platform="weibo", **brief))
    kuaishou = await template.platform_copy(CopyRequest(platform="kuaishou", **brief))
    assert 3 <= len(douyin.hashtags) <= 5 and all(
        t.startswith("#") and not t.endswith("#") for t in douyin.hashtags
    )
    assert max(len(line) for line in douyin.body.splitlines()) <= 40, "douyin lines are short"
    assert sum(ch in xhs.body for ch in "✅📌💬🌷🌟✨📒🔍") >= 3, "xiaohongshu notes are emoji-rich"
    assert wechat.hashtags == [] and "#" not in wechat.body.replace("## ", "")
    assert wechat.body.count("## ") >= 4 and len(wechat.body) >= 400, "a long-form article with headings"
    assert all(t.startswith("#") and t.endswith("#") for t in weibo.hashtags)
    assert weibo.body.startswith(weibo.hashtags[0])
    assert len(kuaishou.hashtags) <= 3
    assert any(word in kuaishou.body for word in ("老铁", "咱", "家人们")), "kuaishou talks down to earth"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("image_count", [1, 2, 3, 6, 9])
async def test_image_posts_have_distinct_cover_and_pages(
    template: TemplateProvider, platform: Platform, image_count: int
) -> None:
    draft = await template.image_post(
        ImagePostRequest(topic="租房改造小技巧", platform=platform, image_count=image_count)
    )
    assert check_post(draft) == []
    assert len(draft.images) == image_count
    assert len({i.description for i in draft.images}) == image_count
    assert len({i.caption for i in draft.images}) == image_count
    assert "封面" in draft.images[0].description
    assert all("租房改造" in i.description for i in draft.images)
    if image_count >= 3:
        assert "总结" in draft.images[-1].caption


@pytest.mark.parametrize("script_type", SCRIPT_TYPES)
@pytest.mark.parametrize("duration", [10, 15, 30, 60, 90, 180, 600])
async def test_video_scripts_add_up_and_open_with_a_hook(
    template: TemplateProvider, script_type: ScriptType, duration: int
) -> None:
    req = VideoScriptRequest(
        topic="新手如何挑选咖啡豆",
        script_type=script_type,
        duration_seconds=duration,
        product="云南小粒咖啡豆",
    )
    script = await template.video_script(req)
    total = sum(shot.duration_seconds for shot in script.shots)
    assert abs(total - duration) <= 1
    assert check_script(script, duration) == []
    assert script.hook.duration_seconds <= 3
    assert script.shots[0].duration_seconds == script.hook.duration_seconds
    assert script.shots[0].on_screen_text == script.hook.text != script.shots[0].line
    assert [s.index for s in script.shots] == list(range(1, len(script.shots) + 1))
    assert all(s.shot_size in SHOT_SIZES and s.camera_movement in CAMERAS for s in script.shots)
    assert all(s.duration_seconds >= 0.5 and s.visual and s.line and s.on_screen_text for s in script.shots)
    assert len(script.shots) >= 3 and script.call_to_action
    spoken = "".join(s.line + s.visual for s in script.shots)
    assert "挑选咖啡豆" in spoken
    if script_type == "product_seeding":
        assert "云南小粒咖啡豆" in spoken


async def test_long_scripts_do_not_repeat_one_line_everywhere(template: TemplateProvider) -> None:
    script = await template.video_script(VideoScriptRequest(topic="居家健身入门", duration_seconds=120))
    lines = [s.line for s in script.shots]
    assert len(set(lines)) >= len(lines) * 0.7


@pytest.mark.parametrize("topic", TOPICS)
async def test_template_output_passes_the_compliance_check(template: TemplateProvider, topic: str) -> None:
    outputs: list[BaseModel] = [await template.titles(TitleRequest(topic=topic, count=20))]
    for platform in PLATFORMS:
        outputs.append(await template.platform_copy(CopyRequest(topic=topic, platform=platform, tone="专业")))
        outputs.append(
            await template.image_post(ImagePostRequest(topic=topic, platform=platform, image_count=9))
        )
    for script_type in SCRIPT_TYPES:
        outputs.append(await template.video_script(VideoScriptRequest(topic=topic, script_type=script_type)))
    for output in outputs:
        report = check_fields(flatten_text_fields(output))
        assert report.passed, report.findings


@pytest.mark.parametrize(
    ("topic", "subject"),
    [
        ("夏季露营装备怎么选", "夏季露营装备"),
        ("新手如何挑选咖啡豆", "挑选咖啡豆"),
        ("租房改造小技巧", "租房改造"),
    ],
)
def test_subject_is_a_short_noun_phrase_of_the_topic(topic: str, subject: str) -> None:
    assert core_subject(TitleRequest(topic=topic)) == subject
