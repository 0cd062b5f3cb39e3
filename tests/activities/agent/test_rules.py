"""Platform rules from the data file, hashtag styles and clean trimming, reused by publish validation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from activities.agent.rules import format_hashtag, render_hashtags, trim_text
from douflow.platforms import all_rules, rules_for, title_limit
from models.generation import PLATFORMS

REPO = Path(__file__).resolve().parents[3]


def test_limits_match_the_platforms() -> None:
    assert rules_for("douyin").title_max == 30 and rules_for("douyin").hashtag_max == 5
    assert rules_for("xiaohongshu").title_max == 20 and rules_for("xiaohongshu").hashtag_max == 10
    assert rules_for("wechat_mp").title_max == 64 and rules_for("wechat_mp").hashtag_max == 0
    assert rules_for("weibo").title_max == 30 and rules_for("weibo").hashtag_style == "double"
    assert rules_for("kuaishou").hashtag_max == 3
    assert set(all_rules()) == set(PLATFORMS)
    assert title_limit("douyin", 12) == 12 and title_limit("xiaohongshu", 50) == 20


def test_hashtag_styles() -> None:
    assert format_hashtag("露营 装备", "douyin") == "#露营装备"
    assert format_hashtag("#露营#", "weibo") == "#露营#"
    assert format_hashtag("露营", "wechat_mp") == ""
    assert render_hashtags(["露营", "帐篷"], "xiaohongshu") == "#露营 #帐篷"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("夏季露营装备的5个细节，看完少走弯路", 12, "夏季露营装备的5个细节"),
        ("露营清单 #露营装备推荐", 10, "露营清单"),
        ("露营清单 #露营 #帐篷", 9, "露营清单 #露营"),
        ("一二三四五六七八九十", 5, "一二三四五"),
        ("短标题", 10, "短标题"),
        ("出发吧👨\u200d👩\u200d👧露营", 5, "出发吧"),
        ("点赞👍🏽收藏", 3, "点赞"),
    ],
)
def test_trim_cuts_cleanly(text: str, limit: int, expected: str) -> None:
    trimmed = trim_text(text, limit)
    assert trimmed == expected and len(trimmed) <= limit


def test_template_output_is_the_same_in_another_process() -> None:
    """Retries may run on another worker: output must not depend on hash randomisation."""
    code = (
        "import asyncio;from activities.agent.providers.template import TemplateProvider;"
        "from models.generation import VideoScriptRequest as R;"
        "print(asyncio.run(TemplateProvider().video_script(R(topic='露营装备',duration_seconds=30))).model_dump_json())"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert json.loads(outputs[0]) == json.loads(outputs[1])
