"""What reply suggestions answer (seed 11): the customer's messages since the account last spoke, else the
customer's last ones, with the transcript before them."""

from __future__ import annotations

from douflow.customers.suggestions import history_of, same_text
from douflow.db.conversation_tables import ConversationMessage
from models.conversations import MessageAuthor, Turn


def said(author: MessageAuthor, text: str) -> ConversationMessage:
    return ConversationMessage(
        author=author, text=text, status="received" if author == "customer" else "sent"
    )


def test_the_messages_since_the_account_last_spoke_are_answered() -> None:
    messages = [
        said("customer", "你好"),
        said("bot", "您好"),
        said("customer", "几点开门"),
        said("customer", "周末呢"),
    ]

    assert history_of(messages) == (
        ["几点开门", "周末呢"],
        [Turn(author="customer", text="你好"), Turn(author="bot", text="您好")],
    )


def test_after_a_reply_the_customers_last_messages_are_still_what_is_answered() -> None:
    messages = [
        said("customer", "你好"),
        said("bot", "您好"),
        said("customer", "几点开门"),
        said("customer", "周末呢"),
    ]
    messages += [said("agent", "10点"), said("bot", "还有别的吗")]

    assert history_of(messages) == (
        ["几点开门", "周末呢"],
        [Turn(author="customer", text="你好"), Turn(author="bot", text="您好")],
    )


def test_no_customer_message_answers_nothing() -> None:
    assert history_of([said("bot", "您好")]) == ([], [])


def test_whitespace_alone_is_not_an_edit() -> None:
    assert same_text("门店每天 10点营业。 ", "门店每天 10点营业。")
    assert not same_text("门店每天10点营业。欢迎！", "门店每天10点营业。")
