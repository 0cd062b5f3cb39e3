"""What agent-center reads in customers' messages (seed 12) and its ask for contact details (seed 13)."""

from __future__ import annotations

from activities.agent.datafiles import load
from activities.agent.intents import detect, lead_ask
from activities.agent.outgoing import check_outgoing
from models.conversations import OutgoingCheck
from models.customers import IntentJob, LeadAskJob


def test_each_message_gets_its_question_kinds() -> None:
    found = detect(IntentJob(messages=["拿铁多少钱？", "可以预约明天下午吗", "门店地址在哪里", "你好"]))
    assert found.intents == [["price_question"], ["booking_question"], ["address_question"], []]


def test_refusals_are_read_but_a_question_that_contains_the_words_is_not_one() -> None:
    found = detect(IntentJob(messages=["不用了，谢谢", "电话不方便留", "要不要预约？"]))
    assert found.intents == [["refusal"], ["refusal"], ["booking_question"]]


def test_every_ask_line_passes_the_outgoing_check_unchanged() -> None:
    """The ask names no outside platform or account: asking the customer to leave their own number in the
    chat is lead capture, and the diversion rule stays as strict as it is."""
    for line in [line for kind in ("text", "thanks", "refused") for line in load("leads")[kind]]:
        text = line.format(brand="小鹿咖啡馆")
        checked = check_outgoing(OutgoingCheck(text=text))
        assert (checked.text, checked.blocked, checked.findings) == (text, False, [])
    assert "小鹿咖啡馆" in lead_ask(LeadAskJob(brand="小鹿咖啡馆")).text
