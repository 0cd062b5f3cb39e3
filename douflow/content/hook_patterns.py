"""Which hook pattern a Chinese title follows, read from its structure and never from its topic words.

A pattern is the shape a title hooks with, so it can carry over to any topic:

| pattern | shape | example |
| --- | --- | --- |
| `contrast` | 别再…了 / 不要再… / 不是…而是… / 以为…其实… | 别再乱买面膜了，这样选才对 |
| `first_person_result` | a first-person start and what came of it | 我用了这个方法之后，皮肤变好了 |
| `must_see` | who it is for and an order to watch or keep it | 租房的人一定要看 |
| `question` | 为什么 / 怎么 / 如何 …, or a question mark | 为什么你的咖啡总是苦的？ |
| `number_list` | a count with a measure word: 3个 / 五种 / 7招 | 3个让房间变大的小技巧 |
| `time_price_anchor` | a duration or a price: 7天 / 30分钟 / 99元 | 30天练出马甲线 |

The first rule that matches decides. Rules run from the one that shapes the whole sentence to the one that
only anchors it, so "别再…的3个误区了" is a contrast and "3个方法7天见效" a number list. Hashtags and
mentions are dropped first: they are not part of the hook.
"""

from __future__ import annotations

import re

from models.proven import HookPattern

_DIGITS = "0-9０-９一二两三四五六七八九十百千"
_TAGS = re.compile(r"[#@]\S+")

RULES: tuple[tuple[HookPattern, re.Pattern[str]], ...] = (
    ("contrast", re.compile(r"别再|不要再|千万别|不是.{1,20}而是|以为.{1,20}(其实|结果)")),
    ("first_person_result", re.compile(r"^(自从)?我[^，,。！!？?]{0,16}(之后|以后|过后|结果|终于)")),
    (
        "must_see",
        re.compile(r"的(人|朋友|姐妹|你).{0,3}(一定要|必须|都要|都得)?(看|收藏)|必看|一定要看|建议收藏"),
    ),
    ("question", re.compile(r"^(为什么|为啥|凭什么|到底)|怎么|如何|[？?]|(吗|呢)$|是什么|值不值|哪个")),
    (
        "number_list",
        re.compile(rf"[{_DIGITS}]+\s*(个(?!月|星期|小时)|种|招|步|条|件|款|点|句|类|样|道|本|部)"),
    ),
    (
        "time_price_anchor",
        re.compile(
            rf"[{_DIGITS}半]+\s*(天|分钟|小时|秒|周|个月|个星期|年)|[0-9０-９.]+\s*(元|块|万)|[¥￥]\s*\d"
        ),
    ),
)


def hook_pattern(title: str) -> HookPattern | None:
    """The pattern the title follows, or None when it follows none of them."""
    text = _TAGS.sub("", title).strip()
    for pattern, rule in RULES:
        if rule.search(text):
            return pattern
    return None
