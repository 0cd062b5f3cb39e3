"""Timeouts, retry policies and token timing of the account workflows, named once."""

from __future__ import annotations

from datetime import timedelta

from workflows.policies import doubling_retry

DOUYIN_CALL_TIMEOUT = timedelta(seconds=30)
STORE_CALL_TIMEOUT = timedelta(seconds=30)

# Failures no amount of waiting fixes; everything else (busy, network, rate limit) is retried.
DOUYIN_FINAL_ERRORS = [
    "DouyinReauthRequired",
    "DouyinRejected",
    "DouyinQuotaExhausted",
    "DouyinUnknownOutcome",
    "DouyinError",
    "DouyinTokenExpired",
    "DouyinAccountUnavailable",
    "BindingOutcomeUnknown",
]

# The code lives 10 minutes and is single-use: a few quick retries of failures that happened before
# the request left (DouyinTransientError); a lost reply is never retried (DouyinUnknownOutcome).
EXCHANGE_RETRY = doubling_retry(up_to=timedelta(seconds=10), attempts=4, non_retryable=DOUYIN_FINAL_ERRORS)
EXCHANGE_SCHEDULE_TIMEOUT = timedelta(minutes=2)

# Refreshes are idempotent and an account must not be lost to an outage: retry without a cap.
TOKEN_RETRY = doubling_retry(up_to=timedelta(minutes=5), attempts=0, non_retryable=DOUYIN_FINAL_ERRORS)
# The profile is nice to have: a few tries, then the next cycle tries again.
PROFILE_RETRY = doubling_retry(up_to=timedelta(seconds=30), attempts=3, non_retryable=DOUYIN_FINAL_ERRORS)
STORE_RETRY = doubling_retry(
    up_to=timedelta(seconds=30), attempts=10, non_retryable=["DouyinAccountNotFound"]
)

# Refresh an access token this long before it expires (at most half its remaining life, so a
# token of seconds in a test behaves like one of days in production); renew a refresh token so.
ACCESS_LEAD = timedelta(hours=1)
RENEW_LEAD = timedelta(days=2)
LEAD_FRACTION = 0.5
# After a failure that is neither transient nor the user's to fix (e.g. a wrong client secret).
ERROR_BACKOFF = timedelta(minutes=10)
UNKNOWN_RENEWAL_BACKOFF = timedelta(seconds=30)
# With no known expiry, look again this often.
IDLE_CHECK = timedelta(days=1)
CYCLES_PER_RUN = 50
