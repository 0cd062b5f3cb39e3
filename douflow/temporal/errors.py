"""Every `ApplicationError.type` an activity or workflow raises, named once.

Activities raise them, workflows classify by them (never by message text) and the BFF maps them to HTTP.
The names are part of recorded histories: a renamed type must keep its old spelling where workflows read it.
"""

from __future__ import annotations

# agent-center: the model and image services (ProviderError.type_name).
MODEL_UNAVAILABLE = "ModelUnavailable"
MODEL_RATE_LIMITED = "ModelRateLimited"
MODEL_OUTPUT_INVALID = "ModelOutputInvalid"
# Kinds of invalid output, retried like it under the MODEL policy: the model declined, or ran out of tokens.
MODEL_REFUSED = "ModelRefused"
MODEL_OUTPUT_TRUNCATED = "ModelOutputTruncated"
MODEL_REQUEST_REJECTED = "ModelRequestRejected"
IMAGE_UNAVAILABLE = "ImageUnavailable"
IMAGE_OUTPUT_INVALID = "ImageOutputInvalid"
IMAGE_REQUEST_REJECTED = "ImageRequestRejected"

# content-center.
CONTENT_NOT_FOUND = "ContentNotFound"
VERSION_CONFLICT = "VersionConflict"
ACCOUNT_NOT_FOUND = "DouyinAccountNotFound"
# A binding names a Douyin account another tenant holds: one tenant at a time holds an open_id.
ACCOUNT_BOUND_ELSEWHERE = "AccountBoundElsewhere"
# The brand a generation names is unknown to its tenant, archived, or lacks the product named.
BRAND_UNUSABLE = "BrandUnusable"
# A content-center worker that must remove files was started without the media directory.
MEDIA_STORE_MISSING = "MediaStoreMissing"

# delivery-connector-douyin: a Douyin failure, typed by how a caller must react (activities.douyin.errors).
DOUYIN_TRANSIENT = "DouyinTransientError"
DOUYIN_RATE_LIMITED = "DouyinRateLimited"
DOUYIN_REJECTED = "DouyinRejected"
DOUYIN_REAUTH = "DouyinReauthRequired"
DOUYIN_QUOTA = "DouyinQuotaExhausted"
DOUYIN_UNKNOWN_OUTCOME = "DouyinUnknownOutcome"
DOUYIN_ERROR = "DouyinError"
# A private-message reply to a customer message past its 24 h window: wait for the customer to write again.
DOUYIN_REPLY_WINDOW_CLOSED = "DouyinReplyWindowClosed"
# The account cannot be used until a person reconnects or rebinds it.
ACCOUNT_UNAVAILABLE = "AccountUnavailable"
MEDIA_MISSING = "MediaMissing"
# The authorization code was spent by an attempt whose reply was lost: only a new binding helps.
BINDING_OUTCOME_UNKNOWN = "BindingOutcomeUnknown"

# orchestration: how a publish ended when it did not publish (the workflow's own failure).
PUBLISH_FAILED = "PublishFailed"
PUBLISH_REJECTED = "PublishRejected"
# The same content version is already live on the account for this occurrence (another publish holds it).
PUBLISH_DUPLICATE = "PublishDuplicate"

# A group-robot webhook whose target is not allowed or that refused the message: retrying changes nothing.
NOTIFICATION_WEBHOOK_REJECTED = "NotificationWebhookRejected"
# A follow-up task change its state does not allow (closed already, an owner who is not the tenant's agent).
TASK_CHANGE_REFUSED = "TaskChangeRefused"

# Douyin failures no amount of waiting fixes.
DOUYIN_FINAL = (
    DOUYIN_REJECTED,
    DOUYIN_REPLY_WINDOW_CLOSED,
    DOUYIN_REAUTH,
    DOUYIN_QUOTA,
    DOUYIN_UNKNOWN_OUTCOME,
    DOUYIN_ERROR,
    ACCOUNT_UNAVAILABLE,
)
