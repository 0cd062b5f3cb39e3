"""The compliance check flags advertising-law, diversion and medical words, and spares harmless lookalikes."""

from __future__ import annotations

import pytest

from activities.agent.compliance import check_fields, flatten_text_fields
from models.generation import Hook, Shot, VideoScript


@pytest.mark.parametrize(
    ("text", "term", "category"),
    [
        ("这是全网最好用的面霜", "最好", "absolute_claim"),
        ("年度最佳好物", "最佳", "absolute_claim"),
        ("销量第一的选择", "第一", "absolute_claim"),
        ("唯一指定款", "唯一", "absolute_claim"),
        ("国家级品质", "国家级", "absolute_claim"),
        ("顶级工艺", "顶级", "absolute_claim"),
        ("100%有效", "100%", "absolute_claim"),
        ("绝对划算", "绝对", "absolute_claim"),
        ("万能清洁剂", "万能", "absolute_claim"),
        ("想要的加微信领取", "加微信", "diversion"),
        ("加V了解", "加V", "diversion"),
        ("vx: abc123", "vx", "diversion"),
        ("威信同号", "威信", "diversion"),
        ("详情私聊", "私聊", "diversion"),
        ("扫二维码进群", "二维码", "diversion"),
        ("QQ 123456", "QQ", "diversion"),
        ("电话13812345678", "13812345678", "diversion"),
        ("三天治愈痘痘", "治愈", "medical_claim"),
        ("根治失眠", "根治", "medical_claim"),
        ("药到病除", "药到病除", "medical_claim"),
    ],
)
def test_flags_forbidden_words(text: str, term: str, category: str) -> None:
    report = check_fields({"body": text})
    assert not report.passed
    finding = next(f for f in report.findings if f.term == term)
    assert finding.category == category
    assert finding.field == "body"
    assert finding.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "最近天气不错，最后一天打卡",
        "第一步先洗脸，第一次用要小心",
        "最终效果看个人，最多准备三件",
        "关注我的微信公众号文章",
        "wxyz 和 qqq 只是字母",
        "订单号 2024123112345678",
        "这件事最好不要拖",
    ],
)
def test_allow_list_spares_harmless_words(text: str) -> None:
    report = check_fields({"body": text})
    assert report.passed, report.findings


def test_longest_term_wins_and_allowed_words_do_not_hide_real_ones() -> None:
    report = check_fields({"title": "最近发现的最佳搭配"})
    assert [f.term for f in report.findings] == ["最佳"]


def test_suggestion_names_a_replacement_when_known() -> None:
    report = check_fields({"title": "最好的选择"})
    assert "很好" in report.findings[0].suggestion


def test_findings_carry_field_paths_of_a_generated_model() -> None:
    script = VideoScript(
        title="咖啡豆怎么选",
        script_type="talking_head",
        hook=Hook(text="三个要点", visual="近景", duration_seconds=3),
        shots=[
            Shot(
                index=1,
                duration_seconds=3,
                shot_size="近景",
                camera_movement="推",
                visual="v",
                on_screen_text="t",
                line="开场",
            ),
            Shot(
                index=2,
                duration_seconds=7,
                shot_size="近景",
                camera_movement="固定",
                visual="v",
                on_screen_text="t",
                line="加我微信领资料",
            ),
        ],
        call_to_action="关注我",
        total_duration_seconds=10,
    )
    fields = flatten_text_fields(script)
    assert fields["shots[1].line"] == "加我微信领资料"
    assert fields["hook.text"] == "三个要点"
    report = check_fields(fields)
    assert [(f.field, f.category) for f in report.findings] == [("shots[1].line", "diversion")]
