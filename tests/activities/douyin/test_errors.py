"""Codes map to the exception a caller must react to; never to message text."""

from __future__ import annotations

import pytest

from activities.douyin.errors import (
    DouyinError,
    DouyinQuotaExhausted,
    DouyinRateLimited,
    DouyinReauthRequired,
    DouyinRejected,
    DouyinReplyWindowClosed,
    DouyinTokenExpired,
    DouyinTransientError,
    error_for_code,
)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (28001005, DouyinTransientError),
        (28001006, DouyinTransientError),
        (2100004, DouyinTransientError),
        (28003018, DouyinRateLimited),
        (28001052, DouyinRateLimited),
        (28001008, DouyinTokenExpired),
        (2190008, DouyinTokenExpired),
        (10008, DouyinTokenExpired),
        (10010, DouyinReauthRequired),
        (28001003, DouyinReauthRequired),
        (28001012, DouyinReauthRequired),
        (2190003, DouyinReauthRequired),
        (28001015, DouyinReauthRequired),
        (28003017, DouyinQuotaExhausted),
        (2190001, DouyinQuotaExhausted),
        (2114007, DouyinQuotaExhausted),
        (2111001, DouyinRejected),
        (2100005, DouyinRejected),
        (28001007, DouyinRejected),
        (2190007, DouyinRejected),
        (10013, DouyinRejected),
    ],
)
def test_classification(code: int, kind: type[DouyinError]):
    error = error_for_code(code, "whatever the text says", "LOG")
    assert type(error) is kind and error.code == code and error.log_id == "LOG"


def test_message_text_does_not_matter():
    assert type(error_for_code(2111001, "系统繁忙，请稍后重试")) is DouyinRejected
    assert type(error_for_code(28001005, "invalid params")) is DouyinTransientError


def test_rate_limits_are_transient_with_a_delay():
    error = error_for_code(28001052, "")
    assert isinstance(error, DouyinTransientError) and isinstance(error, DouyinRateLimited)
    assert error.retry_after > error_for_code(28003018, "").retry_after > 0  # type: ignore[attr-defined]


def test_10020_depends_on_the_endpoint():
    renew = error_for_code(10020, "", operation="oauth_renew")
    assert isinstance(renew, DouyinReauthRequired) and renew.reason == "renew_limit_reached"
    assert isinstance(error_for_code(10020, "", operation="client_token"), DouyinRateLimited)


def test_reauth_reasons():
    assert error_for_code(28001012, "").reason == "scope_missing"  # type: ignore[attr-defined]
    assert error_for_code(10010, "").reason == "refresh_token_expired"  # type: ignore[attr-defined]
    assert error_for_code(28001015, "").reason == "token_open_id_mismatch"  # type: ignore[attr-defined]


def test_unknown_codes_are_plain_douyin_errors():
    error = error_for_code(99999999, "")
    assert type(error) is DouyinError and "99999999" in str(error)


def test_a_sub_code_refines_invalid_params_into_a_closed_reply_window() -> None:
    closed = error_for_code(28001007, "msg_id已过期", sub_code=28001107)
    assert type(closed) is DouyinReplyWindowClosed and isinstance(closed, DouyinRejected)
    assert type(error_for_code(28001007, "参数不合法", sub_code=0)) is DouyinRejected
