"""Phone numbers and WeChat ids in customers' messages and cards (seed 13)."""

from __future__ import annotations

import pytest

from douflow.customers.contacts import (
    from_card,
    from_text,
    mask_phone,
    mask_wechat,
    normalise_phone,
    valid_wechat,
)
from models.customers import CardField


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        "+86 138 1234 1234",
        "+86-138-1234-1234",
        "0086 13812341234",
        "138-1234-1234",
        "8613812341234",
    ],
)
def test_mainland_mobile_numbers_are_normalised_to_11_digits(raw: str) -> None:
    assert normalise_phone(raw) == "13812341234"


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "138123412345", "010-12345678", "abc"])
def test_what_is_not_a_mainland_mobile_number_is_refused(raw: str) -> None:
    assert normalise_phone(raw) is None


def test_a_number_in_a_message_is_found_with_its_prefix_and_separators() -> None:
    assert from_text("好的，我的电话是 +86 139-0000-1111，下午联系").phone == "13900001111"
    assert from_text("订单号 2013812341234567 已付款").phone is None
    assert from_text("价格多少").found is False


@pytest.mark.parametrize(("raw", "ok"), [("wxid_abc", True), ("a1234", False), ("1abcdef", False),
                                         ("abcdefghijklmnopqrstu", False), ("Coffee-Lover_9", True)])  # fmt: skip
def test_wechat_ids_are_6_to_20_characters_with_a_letter_first(raw: str, ok: bool) -> None:
    assert (valid_wechat(raw) == raw) is ok


def test_a_wechat_id_in_a_message_counts_after_a_word_that_names_it() -> None:
    assert from_text("我微信是 coffee_fan88 加一下").wechat == "coffee_fan88"
    assert from_text("vx：Latte-2024").wechat == "Latte-2024"
    assert from_text("hello there, espresso please").wechat is None


def test_a_card_is_read_by_its_labels() -> None:
    card = from_card(
        [
            CardField(label="姓名", value="王小明"),
            CardField(label="手机号", value="138 0013 8000"),
            CardField(label="微信", value="wangxm_01"),
        ]
    )
    assert (card.name, card.phone, card.wechat) == ("王小明", "13800138000", "wangxm_01")
    assert from_card([CardField(label="手机", value="12345")]).found is False


def test_masks_keep_only_the_ends() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_wechat("coffee_fan88") == "co****88"
    assert mask_phone(None) is None
