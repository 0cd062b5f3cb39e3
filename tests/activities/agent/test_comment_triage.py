"""The comment triage's decisions (seed 10): what the account says in public under a customer's comment."""

from __future__ import annotations

import pytest

from activities.agent.comment_triage import shortened
from activities.agent.datafiles import load
from activities.agent.outgoing import check_outgoing
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from models.comments import CommentJob
from models.conversations import OutgoingCheck
from models.knowledge import KnowledgeHit, KnowledgeHits

HOURS = KnowledgeHit(
    entry_id="kb-hours",
    question="营业时间是几点到几点？",
    answer="我们每天10:00-22:00营业，节假日照常。",
    score=0.82,
)
PRICE = KnowledgeHit(entry_id="kb-price", question="拿铁多少钱", answer="拿铁每杯28元。", score=0.9)


def job(text: str, *hits: KnowledgeHit, answerable: bool = True) -> CommentJob:
    return CommentJob(
        tenant_id="t", text=text, knowledge=KnowledgeHits(hits=list(hits), answerable=answerable)
    )


async def test_an_answerable_question_gets_the_entrys_answer_in_public_and_cites_it() -> None:
    decision = await TemplateProvider().comment(job("你们几点开门？", HOURS))
    assert (
        decision.action == "public_reply"
        and decision.reply == HOURS.answer
        and decision.cited == ["kb-hours"]
    )


async def test_price_contact_and_complaints_are_invited_to_private_messages_even_when_an_entry_matches() -> (
    None
):
    price = await TemplateProvider().comment(job("拿铁多少钱呀", PRICE))
    contact = await TemplateProvider().comment(job("怎么联系你们，留个电话"))
    complaint = await TemplateProvider().comment(job("服务态度差，我要投诉"))
    assert {price.action, contact.action, complaint.action} == {"invite_private"}
    assert "28" not in price.reply and not price.cited
    assert "私信" in price.reply and "私信" in complaint.reply and "抱歉" in complaint.reply


async def test_praise_is_thanked_an_unanswered_question_goes_to_a_person_and_the_rest_is_ignored() -> None:
    praise = await TemplateProvider().comment(job("太好喝了，喜欢", answerable=False))
    question = await TemplateProvider().comment(job("可以带宠物进店吗？", HOURS, answerable=False))
    other = await TemplateProvider().comment(job("路过", answerable=False))
    assert praise.action == "public_reply" and praise.reply
    assert question.action == "handoff" and not question.reply and "0.82" in question.reason
    assert other.action == "ignore" and not other.reply


def test_every_phrase_of_the_triage_passes_the_public_compliance_rule() -> None:
    data = load("comments")
    for phrase in [*data["invite"], *data["apology"], *data["thanks"]]:
        checked = check_outgoing(OutgoingCheck(text=phrase.format(brand="小鹿咖啡"), public=True))
        assert checked.findings == [], phrase


def test_a_long_answer_is_cut_at_a_sentence_end() -> None:
    answer = "第一句话说明营业时间。" * 20
    cut = shortened(answer, 30)
    assert cut == "第一句话说明营业时间。" * 2


@pytest.mark.usefixtures("openai_server")
async def test_the_openai_provider_decides_through_its_comment_schema(
    openai_provider: OpenAICompatProvider,
) -> None:
    decision = await openai_provider.comment(job("你们几点开门？", HOURS))
    assert decision.action == "public_reply" and decision.cited == ["kb-hours"]
