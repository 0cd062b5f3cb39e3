"""Timeouts and retry policies of every activity call, named once so workflows read as the call flow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio.common import RetryPolicy

MODEL_CALL_TIMEOUT = timedelta(seconds=90)
IMAGE_CALL_TIMEOUT = timedelta(seconds=120)
STORE_CALL_TIMEOUT = timedelta(seconds=30)
GENERATION_WORKFLOW_TIMEOUT = timedelta(minutes=15)


def doubling_retry(
    *, up_to: timedelta, attempts: int, non_retryable: Sequence[str] | None = None
) -> RetryPolicy:
    """Retries after a second, doubling the pause up to `up_to`; 0 attempts means no cap."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=up_to,
        maximum_attempts=attempts,
        non_retryable_error_types=non_retryable,
    )


MODEL_RETRY = doubling_retry(up_to=timedelta(seconds=20), attempts=3, non_retryable=["ModelRequestRejected"])
IMAGE_RETRY = doubling_retry(up_to=timedelta(seconds=30), attempts=3, non_retryable=["ModelRequestRejected"])
STORE_RETRY = doubling_retry(
    up_to=timedelta(seconds=30), attempts=10, non_retryable=["ContentNotFound", "VersionConflict"]
)

# Publishing (seed 5). Douyin calls heartbeat every second, so a killed worker shows within seconds.
DOUYIN_HEARTBEAT_TIMEOUT = timedelta(seconds=5)
# content-center writes of a publish take milliseconds; a dead worker should not stall it for long.
PUBLISH_STORE_TIMEOUT = timedelta(seconds=10)
DOUYIN_CALL_TIMEOUT = timedelta(seconds=60)
DOUYIN_UPLOAD_TIMEOUT = timedelta(hours=2)
PUBLISH_WORKFLOW_TIMEOUT = timedelta(hours=6)
DOUYIN_NON_RETRYABLE = [
    "DouyinRejected",
    "DouyinReauthRequired",
    "DouyinQuotaExhausted",
    "DouyinUnknownOutcome",
    "DouyinError",
    "AccountUnavailable",
    "MediaMissing",
]
# Uploads, reads and reconciliation are safe to repeat; rate limits override the backoff exactly.
DOUYIN_RETRY = doubling_retry(up_to=timedelta(seconds=20), attempts=12, non_retryable=DOUYIN_NON_RETRYABLE)
# create_video / create_image_text are irreversible: never retried by Temporal, the workflow decides.
DOUYIN_CREATE_RETRY = RetryPolicy(maximum_attempts=1)
