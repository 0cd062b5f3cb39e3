"""The compliance check of outgoing messages knows our own link host (shared materials, seed 17)."""

from __future__ import annotations

from activities.agent.outgoing import check_outgoing
from models.conversations import OutgoingCheck

OURS = frozenset({"m.douflow.example"})


def test_our_tracked_link_passes_even_when_its_token_looks_like_a_contact() -> None:
    # A random token can hold 11 digits starting 1[3-9], or "qq" / "wx": it is still our link.
    text = "资料在这里：https://m.douflow.example/m/ab13812345678qq-wx_9Z 请查收。"
    checked = check_outgoing(OutgoingCheck(text=text), OURS)
    assert (checked.text, checked.blocked, checked.findings) == (text, False, [])


def test_a_foreign_link_is_diversion_and_its_sentence_dropped() -> None:
    text = "营业到晚上十点。详情看 https://shop.example.com/item?id=13812345678 。"
    checked = check_outgoing(OutgoingCheck(text=text), OURS)
    assert checked.findings == ["diversion:https://shop.example.com/item?id=13812345678"]
    assert checked.text == "营业到晚上十点。"
    only = check_outgoing(OutgoingCheck(text="点这里 http://evil.example/x"), OURS)
    assert only.blocked


def test_douyin_links_are_on_the_platform_and_other_rules_still_apply_around_our_link() -> None:
    assert check_outgoing(OutgoingCheck(text="看视频 https://www.douyin.com/video/7300"), OURS).findings == []
    text = "这是最好的方案：https://m.douflow.example/m/tok3n 。加微信详聊。"
    checked = check_outgoing(OutgoingCheck(text=text), OURS)
    assert checked.text == "这是很好的方案：https://m.douflow.example/m/tok3n 。"
    assert "diversion:加微信" in checked.findings


def test_without_our_host_our_link_is_foreign() -> None:
    checked = check_outgoing(OutgoingCheck(text="资料 https://m.douflow.example/m/tok3n"))
    assert checked.blocked
