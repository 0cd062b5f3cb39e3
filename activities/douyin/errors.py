"""Douyin failures, shaped by how a caller must react; classified by code, never by message text.

| type                    | caller's reaction                                              |
|-------------------------|----------------------------------------------------------------|
| DouyinTransientError    | retry with backoff                                             |
| DouyinRateLimited       | retry after `retry_after` seconds (a transient error)          |
| DouyinTokenExpired      | refresh the access token, then retry                           |
| DouyinReauthRequired    | stop; the user must authorise again (`reason` says why)        |
| DouyinQuotaExhausted    | stop until the quota resets                                    |
| DouyinRejected          | stop; the request or content is wrong and retrying won't help  |
| DouyinReplyWindowClosed | stop; the customer message is too old to answer (a rejection)  |
| DouyinUnknownOutcome    | do not retry blindly; reconcile (e.g. look for the item)       |
| DouyinError (base)      | an unclassified code: treat as non-retryable                   |
"""

from __future__ import annotations

from typing import Literal

Operation = Literal["api", "oauth_code", "oauth_refresh", "oauth_renew", "client_token"]


class DouyinError(Exception):
    def __init__(self, message: str, *, code: int | None = None, log_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.log_id = log_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.log_id:
            parts.append(f"log_id={self.log_id}")
        return " ".join(parts)


class DouyinTransientError(DouyinError):
    """System busy, network trouble, timeouts before sending, 5xx on idempotent calls."""


class DouyinRateLimited(DouyinTransientError):
    def __init__(
        self, message: str, *, retry_after: float, code: int | None = None, log_id: str | None = None
    ) -> None:
        super().__init__(message, code=code, log_id=log_id)
        self.retry_after = retry_after


class DouyinTokenExpired(DouyinError):
    """The access token is past its lifetime; a refresh fixes it."""


class DouyinReauthRequired(DouyinError):
    def __init__(
        self, message: str, *, reason: str, code: int | None = None, log_id: str | None = None
    ) -> None:
        super().__init__(message, code=code, log_id=log_id)
        self.reason = reason


class DouyinQuotaExhausted(DouyinError):
    """Daily / per-scope quota used up."""


class DouyinRejected(DouyinError):
    """Bad parameters, sensitive words, a used video_id, an app or user not allowed to do this."""


class DouyinReplyWindowClosed(DouyinRejected):
    """A private-message reply names a customer message past its 24 h window: only a new message reopens it."""


class DouyinUnknownOutcome(DouyinError):
    """A non-idempotent call was sent but its reply was lost; it may or may not have taken effect."""


TRANSIENT_CODES = frozenset({28001005, 28001006, 2100004})
# Suggested pause per code; 28001052 is risk control, which wants a much longer back-off.
RATE_LIMIT_CODES: dict[int, float] = {28003018: 2.0, 28001052: 60.0}
TOKEN_EXPIRED_CODES = frozenset({28001008, 2190008, 10008})
QUOTA_CODES = frozenset({28003017, 2190001, 2114007})
REAUTH_REASONS: dict[int, str] = {
    10004: "scope_missing",
    10007: "code_invalid",
    10010: "refresh_token_expired",
    28001003: "token_invalid",
    2190002: "token_invalid",
    28001012: "scope_missing",
    2190003: "scope_missing",
    28001015: "token_open_id_mismatch",
    2190015: "token_open_id_mismatch",
}
REJECTED_CODES = frozenset(
    {
        10002, 10003, 10005, 10006, 10013, 10014, 10015,
        28001007, 28001014, 28001016, 28001017, 28001018, 28001019, 28001020, 28001021,
        28001045, 28001046, 28001047, 28001056, 28004020,
        2100005, 2100007, 2100009, 2111001, 2111003, 2111004, 2111006,
        2114005, 2190004, 2190005, 2190006, 2190007, 2190016,
    }
)  # fmt: skip
RENEW_LIMIT = 10020
# (code, sub code) of a reply whose msg_id is past the 24 h window. [inf] The platform's own code is not
# documented; the sandbox answers 28001007 with this sub code (douyin_sandbox/im_routes.py).
REPLY_WINDOW_CLOSED = frozenset({(28001007, 28001107)})


def error_for_code(
    code: int,
    message: str,
    log_id: str | None = None,
    *,
    operation: Operation = "api",
    sub_code: int = 0,
) -> DouyinError:
    """The exception a non-zero platform code stands for; some codes mean different things per endpoint."""
    text = message or f"douyin error {code}"
    if (code, sub_code) in REPLY_WINDOW_CLOSED:
        return DouyinReplyWindowClosed(text, code=code, log_id=log_id)
    if code == RENEW_LIMIT:
        if operation == "client_token":  # on client_token 10020 means "too frequent"
            return DouyinRateLimited(text, retry_after=60.0, code=code, log_id=log_id)
        return DouyinReauthRequired(text, reason="renew_limit_reached", code=code, log_id=log_id)
    if code in TRANSIENT_CODES:
        return DouyinTransientError(text, code=code, log_id=log_id)
    if code in RATE_LIMIT_CODES:
        return DouyinRateLimited(text, retry_after=RATE_LIMIT_CODES[code], code=code, log_id=log_id)
    if code in TOKEN_EXPIRED_CODES:
        return DouyinTokenExpired(text, code=code, log_id=log_id)
    if code in REAUTH_REASONS:
        return DouyinReauthRequired(text, reason=REAUTH_REASONS[code], code=code, log_id=log_id)
    if code in QUOTA_CODES:
        return DouyinQuotaExhausted(text, code=code, log_id=log_id)
    if code in REJECTED_CODES:
        return DouyinRejected(text, code=code, log_id=log_id)
    return DouyinError(text, code=code, log_id=log_id)
