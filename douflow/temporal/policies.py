"""How every activity call and workflow run is bounded and retried, named once for the whole platform.

An `ActivityCall` bundles the options of one kind of call, so workflow code names what it calls, not how.
Temporal owns every retry: clients (httpx, the OpenAI SDK) never retry on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy

from douflow.temporal import errors


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


@dataclass(frozen=True)
class ActivityCall:
    """The timeouts and retry policy of one kind of activity call."""

    timeout: timedelta  # start to close: one attempt
    retry: RetryPolicy
    heartbeat: timedelta | None = None
    schedule_to_close: timedelta | None = None  # every attempt together


# -- agent-center ---------------------------------------------------------------------------------
MODEL_RETRY = doubling_retry(
    up_to=timedelta(seconds=20), attempts=3, non_retryable=[errors.MODEL_REQUEST_REJECTED]
)
IMAGE_RETRY = doubling_retry(
    up_to=timedelta(seconds=30), attempts=3, non_retryable=[errors.MODEL_REQUEST_REJECTED]
)
# One model call; a variant batch makes several, still well within this.
MODEL = ActivityCall(timeout=timedelta(seconds=90), retry=MODEL_RETRY)
IMAGE = ActivityCall(timeout=timedelta(seconds=120), retry=IMAGE_RETRY)
# The compliance check is local word matching: quick, so a stuck worker shows soon.
COMPLIANCE = ActivityCall(timeout=timedelta(seconds=30), retry=MODEL_RETRY)

# -- content-center -------------------------------------------------------------------------------
CONTENT_RETRY = doubling_retry(
    up_to=timedelta(seconds=30),
    attempts=10,
    non_retryable=[errors.CONTENT_NOT_FOUND, errors.VERSION_CONFLICT],
)
CONTENT_WRITE = ActivityCall(timeout=timedelta(seconds=30), retry=CONTENT_RETRY)
# Reading one brand profile version: a single-row query.
BRAND_READ = ActivityCall(timeout=timedelta(seconds=10), retry=CONTENT_RETRY)
# An account's synced posts and their latest plays: one indexed query, a few thousand rows at most.
PROVEN_READ = ActivityCall(timeout=timedelta(seconds=20), retry=CONTENT_RETRY)
# Writes of a publish or a calendar run take milliseconds; a dead worker should not stall them for long.
PUBLISH_STORE = ActivityCall(timeout=timedelta(seconds=10), retry=CONTENT_RETRY)
# Database writes of a metrics page: a locked SQLite file or a lost connection clears up quickly.
METRICS_STORE_RETRY = doubling_retry(up_to=timedelta(seconds=20), attempts=10)
METRICS_STORE = ActivityCall(timeout=timedelta(seconds=60), retry=METRICS_STORE_RETRY)
# A batch of unattached uploads: one delete and a few hundred file removals.
MEDIA_CLEANUP = ActivityCall(
    timeout=timedelta(minutes=2), retry=doubling_retry(up_to=timedelta(minutes=1), attempts=5)
)
ACCOUNT_STORE = ActivityCall(
    timeout=timedelta(seconds=30),
    retry=doubling_retry(up_to=timedelta(seconds=30), attempts=10, non_retryable=[errors.ACCOUNT_NOT_FOUND]),
)

# -- delivery-connector-douyin: publishing ----------------------------------------------------------
# Douyin calls heartbeat every second, so a killed worker shows within seconds.
DOUYIN_HEARTBEAT = timedelta(seconds=5)
# Uploads, reads and reconciliation are safe to repeat; rate limits override the backoff exactly.
DOUYIN_RETRY = doubling_retry(
    up_to=timedelta(seconds=20), attempts=12, non_retryable=[*errors.DOUYIN_FINAL, errors.MEDIA_MISSING]
)
DOUYIN_READ = ActivityCall(timeout=timedelta(seconds=60), retry=DOUYIN_RETRY, heartbeat=DOUYIN_HEARTBEAT)
DOUYIN_UPLOAD = ActivityCall(timeout=timedelta(hours=2), retry=DOUYIN_RETRY, heartbeat=DOUYIN_HEARTBEAT)
# create_video / create_image_text are irreversible: never retried by Temporal, the workflow decides.
DOUYIN_CREATE = ActivityCall(
    timeout=timedelta(seconds=60), retry=RetryPolicy(maximum_attempts=1), heartbeat=DOUYIN_HEARTBEAT
)
# A private message is irreversible too: one attempt, the workflow decides what follows a failure. It
# does not wait behind the account's uploads, so a plain call timeout bounds it.
DOUYIN_SEND_MESSAGE = ActivityCall(timeout=timedelta(seconds=30), retry=RetryPolicy(maximum_attempts=1))
# A public comment reply: irreversible, one attempt; the connector reconciles a lost answer from the comment's
# replies, and the workflow retries only a refusal made before Douyin did anything.
DOUYIN_REPLY_COMMENT = ActivityCall(timeout=timedelta(seconds=60), retry=RetryPolicy(maximum_attempts=1))

# An image a customer sent: one download, retried like any read; it does not heartbeat (no upload slot).
DOUYIN_FETCH_IMAGE = ActivityCall(timeout=timedelta(seconds=60), retry=DOUYIN_RETRY)
# An image material uploaded for a private message (<= 10 MB): repeatable, an unused upload is only storage.
DOUYIN_UPLOAD_IM_IMAGE = ActivityCall(timeout=timedelta(seconds=120), retry=DOUYIN_RETRY)

# -- delivery-connector-douyin: metrics ------------------------------------------------------------
# A page is one list call and one data call; a slow platform should fail the attempt, not the sync.
METRICS_FETCH = ActivityCall(
    timeout=timedelta(seconds=60),
    retry=doubling_retry(
        up_to=timedelta(seconds=30),
        attempts=8,
        non_retryable=[errors.ACCOUNT_UNAVAILABLE, errors.DOUYIN_ERROR],
    ),
)

# -- delivery-connector-douyin: accounts -----------------------------------------------------------
ACCOUNT_FINAL = (*errors.DOUYIN_FINAL, errors.BINDING_OUTCOME_UNKNOWN)
# The code lives 10 minutes and is single-use: a few quick retries of failures that happened before
# the request left (DouyinTransientError); a lost reply is never retried (DouyinUnknownOutcome).
CODE_EXCHANGE = ActivityCall(
    timeout=timedelta(seconds=30),
    retry=doubling_retry(up_to=timedelta(seconds=10), attempts=4, non_retryable=ACCOUNT_FINAL),
    schedule_to_close=timedelta(minutes=2),
)
# Refreshes are idempotent and an account must not be lost to an outage: retry without a cap.
TOKEN = ActivityCall(
    timeout=timedelta(seconds=30),
    retry=doubling_retry(up_to=timedelta(minutes=5), attempts=0, non_retryable=ACCOUNT_FINAL),
)
# The profile is nice to have: a few tries, then the next cycle tries again.
PROFILE = ActivityCall(
    timeout=timedelta(seconds=30),
    retry=doubling_retry(up_to=timedelta(seconds=30), attempts=3, non_retryable=ACCOUNT_FINAL),
)

# -- orchestration ------------------------------------------------------------------------------------
# Planning variants reads the account's calendar and creates one Temporal Schedule per variant;
# entry ids are derived, so every failure may be retried.
SCHEDULE_VARIANTS = ActivityCall(
    timeout=timedelta(seconds=60), retry=doubling_retry(up_to=timedelta(seconds=20), attempts=6)
)

# A conversation's rows: single-row writes under derived ids, so every failure may be retried, for long
# (a transcript must not lose a message because the database blinked).
CONVERSATION_STORE = ActivityCall(
    timeout=timedelta(seconds=10), retry=doubling_retry(up_to=timedelta(seconds=30), attempts=20)
)
# A comment's row: written under (tenant, account, comment id), so a retried write finds it.
COMMENT_STORE = ActivityCall(
    timeout=timedelta(seconds=10), retry=doubling_retry(up_to=timedelta(seconds=30), attempts=20)
)
# A follow-up task's rows and its notifications: single-row writes, idempotent under their ids.
TASK_STORE = ActivityCall(
    timeout=timedelta(seconds=15), retry=doubling_retry(up_to=timedelta(seconds=30), attempts=20)
)
# One post of a digest to a group robot: the robot may be down for a while; a target that fails validation
# or a robot that refuses the message is final (NotificationWebhookRejected).
WEBHOOK_POST = ActivityCall(
    timeout=timedelta(seconds=20),
    retry=doubling_retry(
        up_to=timedelta(minutes=2), attempts=8, non_retryable=[errors.NOTIFICATION_WEBHOOK_REJECTED]
    ),
)
# A journey's rows (steps, enrolment, facts) and its actions: written under derived keys, so retried freely.
JOURNEY_STORE = ActivityCall(
    timeout=timedelta(seconds=10), retry=doubling_retry(up_to=timedelta(seconds=30), attempts=20)
)
# A journey's send: start the conversation if needed and call its update under the step key (the server and
# the grant row both deduplicate by it), so a retry never sends twice.
JOURNEY_SEND = ActivityCall(
    timeout=timedelta(minutes=2), retry=doubling_retry(up_to=timedelta(seconds=30), attempts=10)
)
# The knowledge lookup for a customer's message: an indexed read of the tenant's entries.
KNOWLEDGE_READ = ActivityCall(timeout=timedelta(seconds=10), retry=CONTENT_RETRY)
# Whether a material may be sent and how; makes its tracked link once per send key.
MATERIAL_DELIVERY = ActivityCall(timeout=timedelta(seconds=20), retry=CONTENT_RETRY)

# -- whole runs ---------------------------------------------------------------------------------------
GENERATION_RUN = timedelta(minutes=15)
ACCOUNT_RUN = timedelta(minutes=15)
PUBLISH_RUN = timedelta(hours=6)
# Outlives the publish it waits for, so the outcome is always written back.
CALENDAR_RUN = PUBLISH_RUN + timedelta(hours=1)
METRICS_SYNC_RUN = timedelta(minutes=30)
PUBLISH_SWEEP_RUN = timedelta(hours=1)
REPLICATION_RUN = timedelta(minutes=30)
DOUYIN_EVENT_RUN = timedelta(hours=1)
# No end of its own: a conversation closes when idle, and continues as new while it talks.
CONVERSATION_RUN: timedelta | None = None
# Store, look up, decide, check, reply (each bounded by its own policy): done or given up within this.
COMMENT_TRIAGE_RUN = timedelta(hours=1)
# A task lives until it is closed (a person completes it, or the customer does what it waits for).
FOLLOW_UP_TASK_RUN: timedelta | None = None
# A digest collects for its window and posts once, retries included.
NOTIFICATION_DIGEST_RUN = timedelta(hours=1)
# An enrolment lives as long as its waits and decisions (each at most 90 and 30 days); no run bound.
JOURNEY_RUN: timedelta | None = None
# A review waits for a person; one left this long is submitted again.
APPROVAL_RUN = timedelta(days=90)
# Shorter than the schedule's interval, so a stuck cleanup never overlaps the next.
MEDIA_CLEANUP_RUN = timedelta(minutes=50)
