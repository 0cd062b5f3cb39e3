"""The template provider writes from the brief: the topic's own facts, the audience and tone, honest numbers."""

from __future__ import annotations

import io
import re

from PIL import Image

from activities.agent.images import CoverRenderer
from activities.agent.providers.template import TemplateProvider
from models.generation import CopyRequest, ImagePostRequest, TitleRequest, VideoScriptRequest

_PROMISE = re.compile(r"(?<!第)(\d+)\s*(?:个(?![月星])|招|步|条|点)")
_POINT_LINE = re.compile(r"^(?:\d+[.、]|\d️⃣|[①-⑨]|✅|[一二三]是)")


async def test_a_coffee_tutorial_talks_grind_water_temperature_and_ratio() -> None:
    script = await TemplateProvider().video_script(
        VideoScriptRequest(topic="手冲咖啡新手教程", script_type="tutorial")
    )
    spoken = "".join(shot.line for shot in script.shots)
    assert all(term in spoken for term in ("研磨度", "水温", "粉水比")), spoken
    assert "多看真实评价" not in spoken and "提前列一张清单" not in spoken


async def test_a_coffee_machine_post_is_about_coffee_machines() -> None:
    copy = await TemplateProvider().platform_copy(CopyRequest(topic="家用咖啡机选购", platform="xiaohongshu"))
    assert sum(term in copy.body for term in ("意式", "奶泡", "萃取", "磨豆", "蒸汽棒")) >= 2, copy.body


async def test_beauty_copy_names_skin_concerns() -> None:
    copy = await TemplateProvider().platform_copy(
        CopyRequest(topic="敏感肌修护面霜怎么选", platform="douyin")
    )
    assert sum(term in copy.body for term in ("屏障", "泛红", "刺痛", "神经酰胺")) >= 2, copy.body


async def test_audience_and_tone_show_in_the_text() -> None:
    provider = TemplateProvider()
    plain = await provider.platform_copy(CopyRequest(topic="周末亲子烘焙", platform="douyin"))
    shaped = await provider.platform_copy(
        CopyRequest(topic="周末亲子烘焙", platform="douyin", audience="25岁上班族", tone="闺蜜聊天")
    )
    assert "上班族" in shaped.body and "上班族" not in plain.body
    assert ("姐妹" in shaped.body or "宝子" in shaped.body) and "姐妹" not in plain.body


async def test_a_keyword_is_not_written_as_a_product() -> None:
    result = await TemplateProvider().titles(TitleRequest(topic="敏感肌护肤", keywords=["修护"], count=20))
    assert not any("修护用了" in c.text for c in result.candidates)


async def test_numbers_in_titles_are_the_bodys_count() -> None:
    provider = TemplateProvider()
    for topic in ("手冲咖啡新手教程", "小户型收纳", "考研英语备考", "成人零基础学钢琴"):
        for platform in ("douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou"):
            copy = await provider.platform_copy(CopyRequest(topic=topic, platform=platform))
            points = sum(bool(_POINT_LINE.match(line)) for line in copy.body.splitlines())
            assert all(int(n) == points for n in _PROMISE.findall(copy.title)), (copy.title, copy.body)
        script = await provider.video_script(VideoScriptRequest(topic=topic, script_type="tutorial"))
        steps = sum(shot.on_screen_text.startswith("第") for shot in script.shots)
        assert all(int(n) == steps for n in _PROMISE.findall(script.title + script.hook.text))


async def test_the_hook_shot_does_not_read_the_hook_out_again() -> None:
    script = await TemplateProvider().video_script(VideoScriptRequest(topic="降噪耳机怎么选"))
    assert script.shots[0].on_screen_text == script.hook.text
    assert script.shots[0].line != script.hook.text


async def test_slides_print_their_text_never_the_image_prompt() -> None:
    post = await TemplateProvider().image_post(ImagePostRequest(topic="油皮夏季控油护肤", image_count=6))
    for image in post.images[1:]:
        assert image.text and image.text not in image.description
        assert not any(word in image.caption + image.text for word in ("留白", "构图", "实拍", "俯拍"))


def test_the_cover_palette_follows_the_style() -> None:
    renderer = CoverRenderer()
    png = renderer.render_cover(
        title="标题", caption="", seed="s", platform="douyin", style="暖橙色点缀、简约几何色块，竖版3:4封面"
    )
    red, green, blue = Image.open(io.BytesIO(png)).convert("RGB").getpixel((20, 20))  # type: ignore[misc]
    assert red > 200 and blue < 140 and red > green, (red, green, blue)


async def test_the_same_brief_writes_the_same_text() -> None:
    req = CopyRequest(topic="羽绒服怎么挑", platform="weibo", audience="大学生", tone="幽默")
    assert await TemplateProvider().platform_copy(req) == await TemplateProvider().platform_copy(req)


async def test_a_long_article_leads_with_the_topics_own_aspects() -> None:
    """Headphones are judged by noise cancelling and fit, not by the screen a phone or laptop has."""
    copy = await TemplateProvider().platform_copy(CopyRequest(topic="降噪耳机怎么选", platform="wechat_mp"))
    opening = copy.body.split("## 二")[0]
    assert "降噪深度" in opening and "佩戴" in opening, opening
    assert "屏幕" not in opening, opening


async def test_a_product_script_without_a_product_walks_the_topics_points() -> None:
    """No product named: no praise of an unnamed product, the topic's own advice instead, said once."""
    script = await TemplateProvider().video_script(
        VideoScriptRequest(topic="家用咖啡机选购", script_type="product_seeding", duration_seconds=60)
    )
    spoken = "".join(shot.line for shot in script.shots)
    assert sum(term in spoken for term in ("意式", "奶泡", "萃取", "磨豆", "蒸汽棒")) >= 2, spoken
    assert "做工细致" not in spoken and "好打理" not in spoken, spoken
    assert all(shot.line.count("。放到") == 0 for shot in script.shots), spoken


async def test_a_wearable_is_written_about_as_a_digital_product() -> None:
    copy = await TemplateProvider().platform_copy(CopyRequest(topic="运动手表怎么选", platform="douyin"))
    assert sum(term in copy.body for term in ("续航", "屏幕", "防水", "佩戴")) >= 2, copy.body
