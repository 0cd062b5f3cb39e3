"""The knowledge-base ranker: Chinese as customers type it, synonyms, full-width forms, variants, and
questions no entry answers staying under the bot's threshold."""

from __future__ import annotations

from bench.knowledge_retrieval import NONE, evaluate, load
from douflow.content.knowledge_search import (
    DEFAULT_MIN_SCORE,
    KnowledgeIndex,
    KnowledgeIndexCache,
    SearchableEntry,
    tokens,
)

ENTRIES = [
    SearchableEntry("price", "咖啡豆多少钱一包？", ["豆子怎么卖"], "单品豆一包 68 元起。"),
    SearchableEntry("hours", "门店营业时间？", ["几点关门"], "每天 8:00-20:00。"),
    SearchableEntry("address", "线下门店在哪里？", ["实体店位置"], "杭州市文三路 123 号。"),
    SearchableEntry("refund", "可以退货吗？", ["退款怎么申请"], "未拆封 7 天无理由退货。"),
    SearchableEntry("wifi", "店里有 WiFi 吗？", [], "有，密码贴在收银台。"),
]


def _top(text: str) -> tuple[str, float]:
    entry, score = KnowledgeIndex(ENTRIES).rank(text)[0]
    return entry.entry_id, score


def test_synonyms_find_an_entry_worded_otherwise() -> None:
    assert _top("豆子价格是多少")[0] == "price"
    assert _top("几点开门呀")[0] == "hours"
    assert _top("我想退钱")[0] == "refund"


def test_full_width_and_case_read_as_half_width() -> None:
    assert tokens("ＷｉＦｉ，密码？") == tokens("wifi密码")
    assert _top("ＷＩＦＩ有吗")[0] == "wifi"


def test_particles_and_punctuation_do_not_count() -> None:
    assert tokens("请问，你们的门店在哪里呢？！") == tokens("门店在哪里")


def test_a_question_matching_a_variant_beats_a_partial_match() -> None:
    index = KnowledgeIndex(
        [
            SearchableEntry("store", "门店营业时间？", ["实体店位置"], "每天 8 点开门。"),
            SearchableEntry("beans", "咖啡豆实体店能买到吗？", ["店里卖豆子吗"], "可以，门店有售。"),
        ]
    )
    ranked = index.rank("实体店位置在哪")
    assert ranked[0][0].entry_id == "store"
    assert ranked[0][1] > ranked[1][1]


def test_an_exact_question_scores_one_and_an_unrelated_one_is_not_answerable() -> None:
    index = KnowledgeIndex(ENTRIES)
    assert index.search("咖啡豆多少钱一包？", 3, DEFAULT_MIN_SCORE).hits[0].score == 1.0
    unrelated = index.search("可以加个微信吗", 3, DEFAULT_MIN_SCORE)
    assert not unrelated.answerable
    assert index.search("", 3, DEFAULT_MIN_SCORE) == index.search("？！", 3, DEFAULT_MIN_SCORE)
    assert not index.search("？！", 3, DEFAULT_MIN_SCORE).answerable


def test_the_cache_keeps_an_index_until_the_stamp_changes_and_is_bounded() -> None:
    cache = KnowledgeIndexCache(max_tenants=2)
    index = KnowledgeIndex(ENTRIES)
    cache.put("t1", (5, 1), index)
    assert cache.get("t1", (5, 1)) is index
    assert cache.get("t1", (5, 2)) is None
    cache.put("t2", 1, index)
    cache.put("t3", 1, index)
    assert cache.get("t1", (5, 1)) is None and cache.get("t3", 1) is index


def test_the_labelled_set_is_answered_as_the_bench_reports() -> None:
    report = evaluate(load(), DEFAULT_MIN_SCORE)
    assert report.answerable >= 60 and report.unanswerable >= 15
    assert report.top1 >= 0.85
    assert report.handed_off_unanswerable >= 0.85
    assert all(m["expect"] != NONE or m["score"] >= DEFAULT_MIN_SCORE for m in report.misses)
