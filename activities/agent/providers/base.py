"""The provider interface and the errors a provider may raise, shaped by how callers must react."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from douflow.temporal.errors import (
    IMAGE_OUTPUT_INVALID,
    IMAGE_REQUEST_REJECTED,
    IMAGE_UNAVAILABLE,
    MODEL_OUTPUT_INVALID,
    MODEL_OUTPUT_TRUNCATED,
    MODEL_RATE_LIMITED,
    MODEL_REFUSED,
    MODEL_REQUEST_REJECTED,
    MODEL_UNAVAILABLE,
)
from models.comments import CommentDecision, CommentJob
from models.conversations import ReplyDecision, ReplyJob
from models.generation import (
    CopyRequest,
    ImagePostDraft,
    ImagePostRequest,
    PlatformCopy,
    TitleRequest,
    TitleResult,
    VideoScript,
    VideoScriptRequest,
)
from models.suggestions import SuggestionJob, SuggestionSet
from models.tasks import FollowUpScript, FollowUpScriptJob


class ProviderError(Exception):
    """A generation failure with a stable type name and whether trying again can help."""

    type_name: str = MODEL_UNAVAILABLE
    retryable: bool = True

    def __init__(self, message: str, *, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ModelUnavailable(ProviderError):
    """Connection error, timeout or 5xx: the service may answer next time."""


class ModelRateLimited(ProviderError):
    """429: try again later, ideally after the server's Retry-After."""

    type_name = MODEL_RATE_LIMITED


class ModelOutputInvalid(ProviderError):
    """The model answered, but not with valid JSON, the schema or the platform's limits."""

    type_name = MODEL_OUTPUT_INVALID


class ModelRefused(ModelOutputInvalid):
    """The model declined (a refusal, a content filter) or answered prose instead of JSON."""

    type_name = MODEL_REFUSED


class ModelOutputTruncated(ModelOutputInvalid):
    """The JSON stops short: the token limit was hit, or the text does not parse."""

    type_name = MODEL_OUTPUT_TRUNCATED


class ModelRequestRejected(ProviderError):
    """400/401/403/404: the request or the credentials are wrong; retrying cannot help."""

    type_name = MODEL_REQUEST_REJECTED
    retryable = False


class ImageUnavailable(ProviderError):
    type_name = IMAGE_UNAVAILABLE


class ImageOutputInvalid(ProviderError):
    type_name = IMAGE_OUTPUT_INVALID


class ImageRequestRejected(ProviderError):
    type_name = IMAGE_REQUEST_REJECTED
    retryable = False


@runtime_checkable
class GenerationProvider(Protocol):
    """What agent-center needs from an intelligence backend; one method per generation feature, and the
    customer-service bot's decision and an agent's reply suggestions."""

    async def titles(self, req: TitleRequest) -> TitleResult: ...

    async def platform_copy(self, req: CopyRequest) -> PlatformCopy: ...

    async def image_post(self, req: ImagePostRequest) -> ImagePostDraft: ...

    async def video_script(self, req: VideoScriptRequest) -> VideoScript: ...

    async def reply(self, job: ReplyJob) -> ReplyDecision: ...

    async def comment(self, job: CommentJob) -> CommentDecision: ...
    async def suggest_replies(self, job: SuggestionJob) -> SuggestionSet: ...
    async def follow_up_script(self, job: FollowUpScriptJob) -> FollowUpScript: ...

    async def aclose(self) -> None: ...
