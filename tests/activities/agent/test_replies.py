"""The customer-service bot's decisions and the compliance check of what is sent to customers (seed 10)."""

from __future__ import annotations

from activities.agent.outgoing import check_outgoing
from activities.agent.providers.template import TemplateProvider
from models.conversations import OutgoingCheck, ReplyJob
from models.knowledge import KnowledgeHit, KnowledgeHits

HOURS = KnowledgeHit(
    entry_id="kb-hours",
    question="营业时间是几点到几点？",
    answer="我们每天10:00-22:00营业，节假日照常。",
    score=0.82,
)


def job(*messages: str, answerable: bool = True, hits: list[KnowledgeHit] | None = None) -> ReplyJob:
    found = [HOURS] if hits is None else hits
    return ReplyJob(
        tenant_id="t", messages=list(messages), knowledge=KnowledgeHits(hits=found, answerable=answerable)
    )


async def test_an_answerable_question_is_answered_from_the_entry_and_cites_it() -> None:
    decision = await TemplateProvider().reply(job("你们几点关门啊"))
    assert decision.action == "answer" and decision.cited == ["kb-hours"]
    assert "10:00-22:00" in decision.reply and decision.confidence == 0.82


async def test_a_question_the_knowledge_base_cannot_answer_is_handed_off_with_the_reason() -> None:
    weak = HOURS.model_copy(update={"score": 0.21})
    decision = await TemplateProvider().reply(job("可以开发票吗", answerable=False, hits=[weak]))
    assert decision.action == "handoff" and not decision.cited
    assert "可以开发票吗" in decision.reason and "0.21" in decision.reason


async def test_asking_for_a_person_hands_off_even_when_an_entry_matches() -> None:
    decision = await TemplateProvider().reply(job("营业时间多久？我要转人工"))
    assert decision.action == "handoff" and decision.reason == "the customer asked for a person"


async def test_a_greeting_is_greeted_back_and_cites_nothing() -> None:
    decision = await TemplateProvider().reply(job("你好", answerable=False, hits=[]))
    assert decision.action == "answer" and not decision.cited and "您好" in decision.reply


def test_an_absolute_claim_is_rewritten() -> None:
    checked = check_outgoing(OutgoingCheck(text="这款是我们店最好的咖啡豆。欢迎下单！"))
    assert not checked.blocked and "很好" in checked.text and "最好" not in checked.text
    assert checked.findings == ["absolute_claim:最好"]


def test_a_sentence_diverting_off_the_platform_is_dropped_and_a_message_of_nothing_else_is_blocked() -> None:
    mixed = check_outgoing(OutgoingCheck(text="营业到晚上十点。加我微信发你菜单！"))
    assert mixed.text == "营业到晚上十点。" and not mixed.blocked
    only = check_outgoing(OutgoingCheck(text="加微信 abc123 详聊"))
    assert only.blocked and only.text == "" and only.findings == ["diversion:加微信"]


def test_inviting_to_a_private_chat_is_diversion_only_in_public() -> None:
    assert check_outgoing(OutgoingCheck(text="具体价格私聊哦")).findings == []
    public = check_outgoing(OutgoingCheck(text="具体价格私聊哦", public=True))
    assert public.blocked and public.findings == ["diversion:私聊"]
