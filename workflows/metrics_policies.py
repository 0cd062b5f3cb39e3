"""Timeouts and retry policies of the metrics sync and of viral replication, named once."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from models.metrics import ACCOUNT_UNAVAILABLE

# A page is one list call and one data call; a slow platform should fail the attempt, not the sync.
FETCH_PAGE_TIMEOUT = timedelta(seconds=60)
STORE_PAGE_TIMEOUT = timedelta(seconds=60)
CANDIDATES_TIMEOUT = timedelta(seconds=60)
SYNC_WORKFLOW_TIMEOUT = timedelta(minutes=30)
REPLICATION_WORKFLOW_TIMEOUT = timedelta(minutes=30)

# Reads are safe to repeat; rate limits set their own delay (next_retry_delay).
FETCH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=8,
    non_retryable_error_types=[ACCOUNT_UNAVAILABLE, "DouyinError"],
)
# Database writes of a page: a locked SQLite file or a lost connection clears up quickly.
STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    maximum_attempts=10,
)
