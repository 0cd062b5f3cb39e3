"""Timeouts and retry policies of every activity call, named once so workflows read as the call flow."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

MODEL_CALL_TIMEOUT = timedelta(seconds=90)
IMAGE_CALL_TIMEOUT = timedelta(seconds=120)
STORE_CALL_TIMEOUT = timedelta(seconds=30)
GENERATION_WORKFLOW_TIMEOUT = timedelta(minutes=15)

MODEL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    maximum_attempts=3,
    non_retryable_error_types=["ModelRequestRejected"],
)
IMAGE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=3,
    non_retryable_error_types=["ModelRequestRejected"],
)
STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
    non_retryable_error_types=["ContentNotFound", "VersionConflict"],
)
