"""All four envelopes normalise to (code, message, log_id, data); numbers may be strings."""

from __future__ import annotations

import pytest

from activities.douyin.envelope import as_int, parse_envelope


def test_classic_success_with_string_numbers():
    env = parse_envelope(
        {
            "data": {"error_code": "0", "description": "", "item_id": "@a=="},
            "extra": {"error_code": "0", "logid": "2020A", "now": "1597213176393", "sub_error_code": 0},
        }
    )
    assert env.ok and env.log_id == "2020A" and env.data["item_id"] == "@a=="


def test_classic_error_uses_log_id_spelling():
    env = parse_envelope(
        {
            "data": {"error_code": 2190007, "description": "video_id无效"},
            "extra": {"error_code": 2190007, "description": "video_id无效", "log_id": "L1"},
        }
    )
    assert (env.code, env.message, env.log_id) == (2190007, "video_id无效", "L1")


def test_extra_sub_error_code_alone_is_an_error():
    env = parse_envelope(
        {"data": {"error_code": 0}, "extra": {"error_code": 0, "sub_error_code": "28003018"}}
    )
    assert env.code == 28003018


def test_a_sub_code_next_to_a_main_code_is_kept_and_the_main_code_wins():
    env = parse_envelope(
        {
            "data": {"error_code": 28001007, "description": "msg_id已过期"},
            "extra": {"error_code": 28001007, "sub_error_code": "28001107", "log_id": "L2"},
        }
    )
    assert (env.code, env.sub_code) == (28001007, 28001107)


def test_a_payload_outside_data_is_reachable():
    env = parse_envelope({"data": {"error_code": 0}, "extra": {"error_code": 0}, "msg_id": "@m"})
    assert env.ok and env.body["msg_id"] == "@m" and "@m" not in repr(env)


def test_oauth_envelopes():
    ok = parse_envelope(
        {"data": {"access_token": "act.x", "expires_in": "86400", "error_code": 0}, "message": "success"}
    )
    assert ok.ok and ok.data["access_token"] == "act.x"
    error = parse_envelope(
        {
            "data": {"captcha": "", "desc_url": "", "description": "授权码过期", "error_code": 10007},
            "message": "error",
        }
    )
    assert (error.code, error.message) == (10007, "授权码过期")


def test_err_no_envelope():
    ok = parse_envelope({"err_no": 0, "err_msg": "", "log_id": "X9", "data": {"nickname": "阿杰"}})
    assert ok.ok and ok.log_id == "X9" and ok.data["nickname"] == "阿杰"
    error = parse_envelope(
        {"err_no": "28001008", "err_msg": "access_token过期", "log_id": "X10", "data": None}
    )
    assert (error.code, error.message, error.log_id, error.data) == (28001008, "access_token过期", "X10", {})


def test_enterprise_base_block():
    env = parse_envelope(
        {"base": {"log_id": "B1", "gateway_code": 0, "biz_code": 2100004, "biz_msg": "busy"}}
    )
    assert (env.code, env.message, env.log_id) == (2100004, "busy", "B1")


@pytest.mark.parametrize("payload", [None, [], "oops", {"unexpected": 1}])
def test_unrecognisable_bodies(payload: object):
    assert parse_envelope(payload).code == -1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, 0), ("0", 0), (" 42 ", 42), ("1.0", 1), (3.0, 3), (True, 1), ("x", None), (None, None), (1.5, None)],
)
def test_as_int(raw: object, expected: int | None):
    assert as_int(raw) == expected
