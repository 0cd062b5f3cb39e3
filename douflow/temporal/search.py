"""Search attributes: how operators find a business object's runs in the Temporal UI.

They are not encrypted, so they carry ids and fixed names, never a person's name or message text.
Every run carries its feature and, unless it works for the whole deployment, its tenant; the feature names
are spelled one way, kebab-case.
"""

from __future__ import annotations

from enum import StrEnum

from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

TENANT_ID = SearchAttributeKey.for_keyword("TenantId")
CONTENT_ID = SearchAttributeKey.for_keyword("ContentId")
DOUYIN_ACCOUNT_ID = SearchAttributeKey.for_keyword("DouyinAccountId")
FEATURE = SearchAttributeKey.for_keyword("Feature")
# A conversation's customer (the row id, never the open_id or a name) and who answers it now.
CUSTOMER_ID = SearchAttributeKey.for_keyword("CustomerId")
CONVERSATION_STATE = SearchAttributeKey.for_keyword("ConversationState")
SEARCH_ATTRIBUTES = (TENANT_ID, CONTENT_ID, DOUYIN_ACCOUNT_ID, FEATURE, CUSTOMER_ID, CONVERSATION_STATE)


class Feature(StrEnum):
    """The `Feature` of a run: which capability of the platform it belongs to."""

    TITLES = "titles"
    COPYWRITING = "copywriting"
    IMAGE_POST = "image-post"
    VIDEO_SCRIPT = "video-script"
    CONTENT_EDIT = "content-edit"
    CONTENT_APPROVAL = "content-approval"
    PUBLISH = "publish"
    CALENDAR_PUBLISH = "calendar-publish"
    ACCOUNT_BINDING = "douyin-account-binding"
    ACCOUNT_TOKENS = "douyin-account-tokens"
    DOUYIN_WEBHOOK = "douyin-webhook"
    METRICS_SYNC = "metrics-sync"
    VIRAL_REPLICATION = "viral-replication"
    PUBLISH_SWEEP = "publish-sweep"
    MEDIA_CLEANUP = "media-cleanup"
    CONVERSATION = "conversation"
    COMMENT_TRIAGE = "comment-triage"
    REPLY_SUGGESTIONS = "reply-suggestions"
    FOLLOW_UP_TASK = "follow-up-task"
    NOTIFICATION_DIGEST = "notification-digest"
    JOURNEY = "journey"


def _pairs(
    tenant_id: str, feature: Feature, content_id: str | None, account_id: str | None
) -> list[SearchAttributePair[str]]:
    pairs = [SearchAttributePair(TENANT_ID, tenant_id), SearchAttributePair(FEATURE, feature.value)]
    if content_id is not None:
        pairs.append(SearchAttributePair(CONTENT_ID, content_id))
    if account_id is not None:
        pairs.append(SearchAttributePair(DOUYIN_ACCOUNT_ID, account_id))
    return pairs


def tags(
    tenant_id: str, feature: Feature, *, content_id: str | None = None, account_id: str | None = None
) -> TypedSearchAttributes:
    """The attributes a run is started with (from a client, a schedule or a parent workflow)."""
    return TypedSearchAttributes(_pairs(tenant_id, feature, content_id, account_id))


def system_tags(feature: Feature) -> TypedSearchAttributes:
    """The attributes of a run that works for the whole deployment, not one tenant (the media cleanup)."""
    return TypedSearchAttributes([SearchAttributePair(FEATURE, feature.value)])


def tag_updates(
    tenant_id: str, feature: Feature, *, content_id: str | None = None, account_id: str | None = None
) -> list[SearchAttributeUpdate[str]]:
    """The same attributes as updates, for `workflow.upsert_search_attributes` inside a run."""
    return [pair.key.value_set(pair.value) for pair in _pairs(tenant_id, feature, content_id, account_id)]
