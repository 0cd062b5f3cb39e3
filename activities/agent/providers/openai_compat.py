"""The `openai` provider: any OpenAI-compatible chat endpoint, in the best JSON mode it accepts.

The SDK's own retries are off: Temporal owns every retry, so a failure is classified here by exception
type and surfaces at once. The one exception read by its text is a 400 about response_format, which
steps down to the next JSON mode instead (response_modes.py).
"""

from __future__ import annotations

import logging
from typing import TypeVar

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from pydantic import BaseModel

from activities.agent import prompts
from activities.agent.providers.answers import read_answer
from activities.agent.providers.base import (
    ModelOutputInvalid,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
    ProviderError,
)
from activities.agent.providers.response_modes import (
    ENDPOINT_MODES,
    Endpoint,
    EndpointModes,
    ResponseMode,
    refuses_response_format,
    response_format,
    system_prompt,
)
from activities.agent.providers.title_answer import TitleAnswer, cited
from activities.agent.rules import check_post, check_script, check_titles, format_hashtag
from douflow.agent_provider import public_url
from models.comments import CommentDecision, CommentJob
from models.conversations import ReplyDecision, ReplyJob
from models.generation import (
    CopyRequest,
    ImagePostDraft,
    ImagePostRequest,
    Platform,
    PlatformCopy,
    TitleRequest,
    TitleResult,
    VideoScript,
    VideoScriptRequest,
    proven_of,
)
from models.suggestions import SuggestionJob, SuggestionSet
from models.tasks import FollowUpScript, FollowUpScriptJob

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
PostT = TypeVar("PostT", PlatformCopy, ImagePostDraft)

RETRYABLE_STATUS = frozenset({408, 409, 429})


class OpenAICompatProvider:
    """Generation through an OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, Doubao, Ollama, vLLM)."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str,
        model: str,
        timeout_seconds: float,
        temperature: float = 0.8,
        client: AsyncOpenAI | None = None,
        modes: EndpointModes = ENDPOINT_MODES,
    ) -> None:
        self._client = client or AsyncOpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout_seconds
        )
        self._model = model
        self._modes = modes
        self._endpoint: Endpoint = (str(self._client.base_url), model)
        self._temperature = temperature

    async def titles(self, req: TitleRequest) -> TitleResult:
        answer = await self._generate(prompts.titles_prompt(req), req, TitleAnswer)
        if len(answer.candidates) < req.count:
            raise ModelOutputInvalid(f"{len(answer.candidates)} titles, {req.count} requested")
        result = cited(answer.candidates[: req.count], proven_of(req))
        _raise_on_problems(check_titles(result, req.platform, req.max_length))
        return result

    async def platform_copy(self, req: CopyRequest) -> PlatformCopy:
        result = await self._generate(prompts.copy_prompt(req), req, PlatformCopy)
        return _checked_post(result, req.platform)

    async def image_post(self, req: ImagePostRequest) -> ImagePostDraft:
        result = await self._generate(prompts.image_post_prompt(req), req, ImagePostDraft)
        if len(result.images) != req.image_count:
            raise ModelOutputInvalid(f"{len(result.images)} images, {req.image_count} requested")
        return _checked_post(result, req.platform)

    async def video_script(self, req: VideoScriptRequest) -> VideoScript:
        result = await self._generate(prompts.video_script_prompt(req), req, VideoScript)
        if result.script_type != req.script_type:
            raise ModelOutputInvalid(f"script_type {result.script_type}, {req.script_type} requested")
        result = _fit_duration(result, req.duration_seconds)
        _raise_on_problems(check_script(result, req.duration_seconds))
        return result

    async def reply(self, job: ReplyJob) -> ReplyDecision:
        """Citations are kept only where they name a hit the bot was given; a model cannot cite the unseen."""
        decision = await self._generate(prompts.reply_prompt(job), job, ReplyDecision)
        given = {hit.entry_id for hit in job.knowledge.hits}
        return decision.model_copy(update={"cited": [c for c in decision.cited if c in given]})

    async def comment(self, job: CommentJob) -> CommentDecision:
        """As `reply`: a model cannot cite an entry it was not given."""
        decision = await self._generate(prompts.comment_prompt(job), job, CommentDecision)
        given = {hit.entry_id for hit in job.knowledge.hits}
        return decision.model_copy(update={"cited": [c for c in decision.cited if c in given]})

    async def suggest_replies(self, job: SuggestionJob) -> SuggestionSet:
        """As for the bot's reply, a draft cites only hits it was given; one citing none of them holds. A draft
        offers only materials it was given and names in its text."""
        result = await self._generate(prompts.suggestions_prompt(job), job, SuggestionSet)
        given = {hit.entry_id for hit in job.knowledge.hits}
        titles = {m.material_id: m.title for m in job.materials}
        drafts = []
        for draft in result.suggestions:
            cited = [c for c in draft.cited if c in given]
            offered = [m for m in draft.materials if m in titles and titles[m] in draft.text]
            update = {"cited": cited, "holding": draft.holding or not cited, "materials": offered}
            drafts.append(draft.model_copy(update=update))
        return SuggestionSet(suggestions=drafts)

    async def follow_up_script(self, job: FollowUpScriptJob) -> FollowUpScript:
        """A script cites only hits it was given."""
        result = await self._generate(prompts.follow_up_prompt(job), job, FollowUpScript)
        given = {hit.entry_id for hit in job.knowledge.hits}
        return result.model_copy(update={"cited": [c for c in result.cited if c in given]})

    async def aclose(self) -> None:
        await self._client.close()

    async def _generate(self, system: str, req: BaseModel, output: type[M]) -> M:
        """One chat completion in the endpoint's best accepted mode, validated with pydantic."""
        mode = self._modes.get(self._endpoint)
        while True:
            try:
                completion = await self._complete(mode, system, req, output)
            except openai.BadRequestError as exc:
                if not refuses_response_format(exc):
                    raise classify_openai_error(exc) from exc
                fallback = self._modes.step_down(self._endpoint, mode)
                if fallback is None:
                    raise classify_openai_error(exc) from exc
                logger.warning(
                    "%s (model %s) refuses %s output; using %s from now on",
                    public_url(self._endpoint[0]), self._model, mode, fallback,
                )  # fmt: skip
                mode = fallback
            except openai.OpenAIError as exc:
                raise classify_openai_error(exc) from exc
            else:
                return read_answer(completion, output)

    async def _complete(
        self, mode: ResponseMode, system: str, req: BaseModel, output: type[BaseModel]
    ) -> ChatCompletion:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system_prompt(mode, system, output)},
            {"role": "user", "content": req.model_dump_json()},
        ]
        return await self._client.chat.completions.create(
            model=self._model,
            messages=messages,
            response_format=response_format(mode, output),
            temperature=self._temperature,
        )


def classify_openai_error(exc: openai.OpenAIError) -> ProviderError:
    """Map an SDK error by its type (never its text) to what the caller must do."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return ModelUnavailable(f"model endpoint unreachable: {type(exc).__name__}")
    if isinstance(exc, openai.RateLimitError):
        return ModelRateLimited("model rate limited (429)", retry_after_seconds=_retry_after(exc))
    if isinstance(exc, openai.InternalServerError):
        return ModelUnavailable(f"model server error ({exc.status_code})")
    if isinstance(
        exc,
        openai.BadRequestError
        | openai.AuthenticationError
        | openai.PermissionDeniedError
        | openai.NotFoundError
        | openai.UnprocessableEntityError,
    ):
        return ModelRequestRejected(f"model endpoint rejected the request ({exc.status_code})")
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500:
            return ModelUnavailable(f"model endpoint answered {exc.status_code}")
        return ModelRequestRejected(f"model endpoint answered {exc.status_code}")
    if isinstance(exc, openai.APIResponseValidationError):
        return ModelOutputInvalid("the endpoint's response did not match the API")
    return ModelUnavailable(f"model call failed: {type(exc).__name__}")


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _checked_post(post: PostT, platform: Platform) -> PostT:
    """Normalise hashtag style (a cosmetic slip), then reject anything over the platform's limits."""
    if post.platform != platform:
        raise ModelOutputInvalid(f"platform {post.platform}, {platform} requested")
    tags = [t for t in (format_hashtag(tag, post.platform) for tag in post.hashtags) if t]
    post = post.model_copy(update={"hashtags": list(dict.fromkeys(tags))})
    _raise_on_problems(check_post(post))
    return post


def _fit_duration(script: VideoScript, target: float) -> VideoScript:
    """Models are poor at arithmetic: rescale shot lengths to the target rather than reject a good script."""
    total = sum(shot.duration_seconds for shot in script.shots)
    if abs(total - target) <= 1:
        return script.model_copy(update={"total_duration_seconds": total})
    shots = [
        s.model_copy(update={"duration_seconds": round(s.duration_seconds * target / total, 1)})
        for s in script.shots
    ]
    last = target - sum(s.duration_seconds for s in shots[:-1])
    if last <= 0:
        raise ModelOutputInvalid("shot durations cannot be fitted to the target")
    shots[-1] = shots[-1].model_copy(update={"duration_seconds": round(last, 1)})
    return script.model_copy(
        update={"shots": shots, "total_duration_seconds": sum(s.duration_seconds for s in shots)}
    )


def _raise_on_problems(problems: list[str]) -> None:
    if problems:
        raise ModelOutputInvalid("; ".join(problems))
