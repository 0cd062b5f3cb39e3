"""Title generation with an account's proven hook patterns, in both providers."""

from __future__ import annotations

from activities.agent.brand_words import avoid_word_problems
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from activities.agent.providers.title_answer import AnsweredTitle, cited
from activities.agent.rules import check_titles
from douflow.content.hook_patterns import hook_pattern
from models.brands import BrandContext, BrandProfile
from models.generation import TitleJob
from models.proven import HookPattern, ProvenPattern, ProvenPatterns, ProvenPost
from tests.support.openai_server import OpenAIServerHandle
from workflows.steps import text_fields

EVIDENCE: dict[HookPattern, ProvenPost] = {
    "contrast": ProvenPost(item_id="i-1", title="别再乱买收纳盒了，看完再买", plays=9000, ratio=9.0),
    "must_see": ProvenPost(item_id="i-2", title="租房的人一定要看", plays=6000, ratio=6.0),
    "first_person_result": ProvenPost(
        item_id="i-3", title="我换了床垫之后，睡眠变好了", plays=4000, ratio=4.0
    ),
}
PROVEN = ProvenPatterns(
    account_id="acct",
    posts=12,
    median_plays=1000,
    patterns=[ProvenPattern(pattern=name, evidence=post) for name, post in EVIDENCE.items()],
    note="3 proven patterns",
)
JOB = TitleJob(topic="露营装备", count=5, platform="douyin", account_id="acct", proven=PROVEN)


async def test_template_candidates_follow_each_pattern_with_this_topic(template: TemplateProvider) -> None:
    result = await template.titles(JOB)

    following = [c for c in result.candidates if c.pattern is not None]
    assert [c.pattern for c in following] == list(EVIDENCE)
    for candidate in following:
        assert candidate.evidence == EVIDENCE[candidate.pattern]
        assert hook_pattern(candidate.text) == candidate.pattern  # the structure carried over
        assert "露营" in candidate.text and "收纳" not in candidate.text
    assert len(result.candidates) == 5 and check_titles(result, "douyin") == []


async def test_template_patterns_fit_a_short_limit(template: TemplateProvider) -> None:
    result = await template.titles(JOB.model_copy(update={"max_length": 12}))
    assert check_titles(result, "douyin", 12) == [] and any(c.pattern for c in result.candidates)


async def test_the_openai_prompt_carries_the_patterns_and_candidates_cite_them(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    result = await openai_provider.titles(JOB)

    system = openai_server.bodies[-1]["messages"][0]["content"]
    assert "账号已验证的标题模式" in system and "「别再乱买收纳盒了，看完再买」" in system
    assert "must_see（人群必看" in system and "pattern 字段填写模式名" in system
    schema = openai_server.bodies[-1]["response_format"]["json_schema"]["schema"]
    candidate = schema["$defs"]["AnsweredTitle"]
    assert "pattern" in candidate["required"] and "evidence" not in candidate["properties"]
    assert {c.pattern: c.evidence for c in result.candidates if c.pattern} == EVIDENCE


def test_a_pattern_the_model_made_up_cites_nothing() -> None:
    answered = [
        AnsweredTitle(text=" 别再乱选帐篷了 ", formula="contrast", length=9, pattern="contrast"),
        AnsweredTitle(text="3个露营技巧", formula="number", length=6, pattern="number_list"),
    ]
    result = cited(answered, PROVEN)
    assert (
        result.candidates[0].evidence == EVIDENCE["contrast"]
        and result.candidates[0].text == "别再乱选帐篷了"
    )
    assert result.candidates[1].pattern is None and result.candidates[1].evidence is None
    assert result.candidates[0].length == 7


def test_the_cited_post_is_not_checked_as_generated_text() -> None:
    """The evidence is the account's own past title: an avoid-word or an absolute word in it is no finding."""
    brand = BrandContext(brand_id="b", version=1, profile=BrandProfile(name="暖阳", avoid_words=["收纳盒"]))
    result = cited(
        [AnsweredTitle(text="别再乱选帐篷了", formula="contrast", length=7, pattern="contrast")], PROVEN
    )

    assert avoid_word_problems(result, brand) == []
    assert set(text_fields(result.model_dump())) == {"candidates[0].text"}
