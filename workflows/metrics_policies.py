"""Timeouts and retry policies of the metrics sync and of viral replication, named once."""

from __future__ import annotations

from datetime import timedelta

from models.metrics import ACCOUNT_UNAVAILABLE
from workflows.policies import doubling_retry

# A page is one list call and one data call; a slow platform should fail the attempt, not the sync.
FETCH_PAGE_TIMEOUT = timedelta(seconds=60)
STORE_PAGE_TIMEOUT = timedelta(seconds=60)
CANDIDATES_TIMEOUT = timedelta(seconds=60)
SYNC_WORKFLOW_TIMEOUT = timedelta(minutes=30)
REPLICATION_WORKFLOW_TIMEOUT = timedelta(minutes=30)
# Planning variants reads the account's calendar and creates one Temporal Schedule per variant.
SCHEDULE_VARIANTS_TIMEOUT = timedelta(seconds=60)

# Reads are safe to repeat; rate limits set their own delay (next_retry_delay).
FETCH_RETRY = doubling_retry(
    up_to=timedelta(seconds=30), attempts=8, non_retryable=[ACCOUNT_UNAVAILABLE, "DouyinError"]
)
# Database writes of a page: a locked SQLite file or a lost connection clears up quickly.
STORE_RETRY = doubling_retry(up_to=timedelta(seconds=20), attempts=10)
# Scheduling variants is idempotent (entry ids are derived), so every failure may be retried.
SCHEDULE_VARIANTS_RETRY = doubling_retry(up_to=timedelta(seconds=20), attempts=6)
