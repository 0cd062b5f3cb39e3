"""Reply suggestions for agents (seed 11): three styles resting on the knowledge hit, or holding replies, from
either provider, and the check every provider's set passes."""

from __future__ import annotations

from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from activities.agent.suggestions import check_suggestions
from models.brands import BrandContext, BrandProfile
from models.knowledge import KnowledgeHit, KnowledgeHits
from models.materials import MaterialCitation
from models.suggestions import STYLES, SuggestedReply, SuggestionJob, SuggestionSet
from tests.support.openai_server import OpenAIServerHandle

HOURS = KnowledgeHit(entry_id="kb-hours", question="营业时间？", answer="每天10点到22点营业。", score=0.8)


def job(*messages: str, answerable: bool = True) -> SuggestionJob:
    return SuggestionJob(
        tenant_id="t", messages=list(messages), knowledge=KnowledgeHits(hits=[HOURS], answerable=answerable)
    )


async def test_the_template_drafts_three_styles_from_the_entry_and_cites_it() -> None:
    made = await TemplateProvider().suggest_replies(job("几点开门"))

    assert tuple(s.style for s in made.suggestions) == STYLES
    assert all(s.cited == ["kb-hours"] and "10点到22点" in s.text for s in made.suggestions)
    assert made == await TemplateProvider().suggest_replies(job("几点开门")), "deterministic"
    assert check_suggestions(made, job("几点开门")) == []


async def test_an_entry_too_weak_to_answer_gives_holding_replies_that_cite_nothing() -> None:
    made = await TemplateProvider().suggest_replies(job("能开专票吗", answerable=False))

    assert all(s.holding and not s.cited and "10点" not in s.text for s in made.suggestions)


def test_a_set_citing_an_unseen_entry_or_missing_a_style_is_refused() -> None:
    made = SuggestionSet(
        suggestions=[
            SuggestedReply(style="concise", text="好的", cited=["kb-made-up"]),
            SuggestedReply(style="warm", text="好的呀"),
        ]
    )

    problems = check_suggestions(made, job("几点开门"))

    assert any("styles" in p for p in problems) and any("kb-made-up" in p for p in problems)


async def test_the_openai_provider_asks_for_the_three_styles_by_their_schema_name(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    made = await openai_provider.suggest_replies(job("几点开门"))

    assert tuple(s.style for s in made.suggestions) == STYLES
    assert all(s.cited == ["kb-hours"] for s in made.suggestions)
    body = openai_server.bodies[-1]
    assert body["response_format"]["json_schema"]["name"] == "reply_suggestions"
    assert "专业详细" in body["messages"][0]["content"]


SHEET = MaterialCitation(
    material_id="m-sheet",
    title="冬季价目表",
    kind="price_sheet",
    library_id="lib",
    coverage=0.7,
    matched=["价目表"],
    why="客户说到「价目表」，本资料覆盖其问题的 70%",
)


def with_materials(
    made: SuggestionJob, *materials: MaterialCitation, avoid: list[str] | None = None
) -> SuggestionJob:
    brand = None
    if avoid is not None:
        brand = BrandContext(
            brand_id="b", version=1, profile=BrandProfile(name="小鹿咖啡", avoid_words=avoid)
        )
    return made.model_copy(update={"materials": list(materials), "brand": brand})


async def test_every_draft_offers_the_best_material_by_its_title() -> None:
    for answerable in (True, False):
        asked = with_materials(job("价目表发我看看", answerable=answerable), SHEET)

        made = await TemplateProvider().suggest_replies(asked)

        assert all(s.materials == ["m-sheet"] and "《冬季价目表》" in s.text for s in made.suggestions)
        assert check_suggestions(made, asked) == []


async def test_a_material_whose_title_holds_an_avoid_word_is_passed_over() -> None:
    other = SHEET.model_copy(update={"material_id": "m-other", "title": "全线产品价目表"})
    asked = with_materials(job("价目表发我看看"), SHEET, other, avoid=["冬季"])

    made = await TemplateProvider().suggest_replies(asked)

    assert all(s.materials == ["m-other"] and "《全线产品价目表》" in s.text for s in made.suggestions)


def test_a_draft_offering_a_material_it_was_not_given_or_does_not_name_is_refused() -> None:
    made = SuggestionSet(
        suggestions=[
            SuggestedReply(style="concise", text="这是价格", materials=["m-sheet"]),
            SuggestedReply(style="warm", text="给您《冬季价目表》", materials=["m-made-up"]),
            SuggestedReply(style="professional", text="给您《冬季价目表》", materials=["m-sheet"]),
        ]
    )

    problems = check_suggestions(made, with_materials(job("价目表"), SHEET))

    assert len(problems) == 2
    assert "concise offers material m-sheet without naming it" in problems[0] and "m-made-up" in problems[1]


async def test_the_openai_provider_is_told_of_the_materials_and_keeps_only_those_named(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    made = await openai_provider.suggest_replies(with_materials(job("价目表发我看看"), SHEET))

    assert all(s.materials == ["m-sheet"] for s in made.suggestions)
    body = openai_server.bodies[-1]
    assert "material_id" in body["messages"][0]["content"] and "m-sheet" in str(body["messages"])
