"""The hook-pattern classifier on a table of titles, and which posts of an account count as proven."""

from __future__ import annotations

import pytest

from douflow.content.hook_patterns import hook_pattern
from douflow.content.proven_posts import MAX_PATTERNS, MIN_POSTS, PostPlays, proven_patterns

TITLES = [
    ("3个让房间变大的小技巧", "number_list"),
    ("五种常见的护肤误区 #护肤", "number_list"),
    ("新手露营要带的7件装备", "number_list"),
    ("为什么你的咖啡总是苦的？", "question"),
    ("租房怎么砍价才不吃亏", "question"),
    ("这样做真的有用吗", "question"),
    ("别再乱买面膜了，这样选才对", "contrast"),
    ("不是你不努力，而是方法错了", "contrast"),
    ("别再记单词的3个误区了", "contrast"),
    ("我用了这个方法之后，皮肤真的变好了", "first_person_result"),
    ("自从我开始早起以后，整个人都变了", "first_person_result"),
    ("30天练出马甲线", "time_price_anchor"),
    ("坚持3个月，体重掉了10斤", "time_price_anchor"),
    ("99元搞定一整套露营装备", "time_price_anchor"),
    ("租房的人一定要看", "must_see"),
    ("新手爸妈必看 @育儿小助手", "must_see"),
    ("3个方法7天见效", "number_list"),
    ("今天的早餐", None),
    ("周末去爬山 #vlog", None),
    ("", None),
]


@pytest.mark.parametrize(("title", "pattern"), TITLES)
def test_titles_are_classified_by_their_structure(title: str, pattern: str | None) -> None:
    assert hook_pattern(title) == pattern


def posts(*rows: tuple[str, int]) -> list[PostPlays]:
    return [PostPlays(f"item-{i}", title, plays, None) for i, (title, plays) in enumerate(rows)]


def test_proven_posts_outplay_the_median_and_give_one_pattern_each() -> None:
    account = posts(
        ("3个收纳技巧", 5000),
        ("为什么你的衣柜总是乱？", 2000),
        ("5种叠衣服的方法", 1800),  # also a number list, weaker: not a second one
        ("今天的早餐", 1500),  # proven, but no hook to learn
        ("周末去爬山", 500),
        ("随手拍", 500),
        ("晚饭", 400),
        ("午饭", 600),
        ("散步", 300),
        ("别再乱买收纳盒了", 700),  # a contrast, but under 2x the median
    )
    found = proven_patterns("acct", account)
    assert found.median_plays == 650 and found.posts == 10
    assert [(p.pattern, p.evidence.item_id, p.evidence.ratio) for p in found.patterns] == [
        ("number_list", "item-0", 7.69),
        ("question", "item-1", 3.08),
    ]
    assert found.patterns[0].evidence.title == "3个收纳技巧" and found.patterns[0].evidence.plays == 5000
    assert "2 proven patterns" in found.note


def test_at_most_max_patterns_best_first() -> None:
    hits = [("3个技巧", 9000), ("为什么会这样？", 8000), ("别再熬夜了", 7000), ("租房的人一定要看", 6000)]
    found = proven_patterns("acct", posts(*hits, *[("日常", 100)] * 5))
    assert [p.pattern for p in found.patterns] == ["number_list", "question", "contrast"][:MAX_PATTERNS]


@pytest.mark.parametrize("count", [0, MIN_POSTS - 1])
def test_too_little_history_finds_nothing_and_says_so(count: int) -> None:
    found = proven_patterns("acct", posts(*[("3个技巧", 100 * (i + 1)) for i in range(count)]))
    assert found.patterns == [] and found.median_plays is None and found.posts == count
    assert "no proven patterns found" in found.note


def test_an_even_account_has_no_proven_posts() -> None:
    found = proven_patterns("acct", posts(*[("3个技巧", 1000)] * 6))
    assert found.patterns == [] and found.median_plays == 1000
    assert "no proven patterns found" in found.note
