"""The one mapping from a Douyin or account failure to the typed ApplicationError workflows classify."""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ApplicationError

from activities.douyin.errors import (
    DouyinError,
    DouyinQuotaExhausted,
    DouyinRateLimited,
    DouyinReauthRequired,
    DouyinRejected,
    DouyinReplyWindowClosed,
    DouyinTokenExpired,
    DouyinTransientError,
    DouyinUnknownOutcome,
)
from activities.douyin.token_store import AccountUnavailable
from douflow.temporal import errors

# Failures no amount of waiting fixes, most specific first.
_FINAL: tuple[tuple[type[DouyinError], str], ...] = (
    (DouyinReauthRequired, errors.DOUYIN_REAUTH),
    (DouyinQuotaExhausted, errors.DOUYIN_QUOTA),
    (DouyinReplyWindowClosed, errors.DOUYIN_REPLY_WINDOW_CLOSED),
    (DouyinRejected, errors.DOUYIN_REJECTED),
    (DouyinUnknownOutcome, errors.DOUYIN_UNKNOWN_OUTCOME),
)


def douyin_failure(exc: DouyinError | AccountUnavailable) -> ApplicationError:
    """Retryable only when waiting can help; a rate limit says exactly how long to wait."""
    if isinstance(exc, AccountUnavailable):
        return ApplicationError(str(exc), exc.status, type=errors.ACCOUNT_UNAVAILABLE, non_retryable=True)
    if isinstance(exc, DouyinRateLimited):
        delay = timedelta(seconds=max(exc.retry_after, 1.0))
        return ApplicationError(str(exc), type=errors.DOUYIN_RATE_LIMITED, next_retry_delay=delay)
    # A token that expired even after the one refresh: the next attempt refreshes again.
    if isinstance(exc, DouyinTransientError | DouyinTokenExpired):
        return ApplicationError(str(exc), type=errors.DOUYIN_TRANSIENT)
    error_type = next((name for cls, name in _FINAL if isinstance(exc, cls)), errors.DOUYIN_ERROR)
    details = {"code": exc.code, "reason": getattr(exc, "reason", None)}
    return ApplicationError(str(exc), details, type=error_type, non_retryable=True)
