"""The openai provider against a local OpenAI-compatible server, through the real `openai` SDK."""

from __future__ import annotations

import json

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.agent.activities import AgentActivities
from activities.agent.images import CoverRenderer
from activities.agent.providers.base import (
    ModelOutputInvalid,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
)
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.rules import check_post, check_script, check_titles
from douflow.media import LocalMediaStore
from models.conversations import ReplyJob
from models.generation import CopyRequest, ImagePostRequest, TitleRequest, VideoScriptRequest
from models.knowledge import KnowledgeHit, KnowledgeHits
from tests.support.openai_server import OpenAIServerHandle

TITLES = TitleRequest(topic="夏季露营装备怎么选", keywords=["帐篷"], platform="xiaohongshu", count=4)


async def test_valid_output_for_every_task(openai_provider: OpenAICompatProvider) -> None:
    titles = await openai_provider.titles(TITLES)
    assert len(titles.candidates) == 4 and check_titles(titles, "xiaohongshu") == []
    copy = await openai_provider.platform_copy(CopyRequest(topic="租房改造小技巧", platform="weibo"))
    assert check_post(copy) == [] and copy.platform == "weibo"
    post = await openai_provider.image_post(ImagePostRequest(topic="租房改造小技巧", image_count=4))
    assert len(post.images) == 4
    script = await openai_provider.video_script(VideoScriptRequest(topic="咖啡豆", duration_seconds=45))
    assert check_script(script, 45) == []


async def test_request_carries_rules_schema_and_request_json(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    await openai_provider.titles(TITLES)
    body = openai_server.bodies[-1]
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "小红书平台规则" in system and "不超过20个字" in system and "pain_point" in system
    assert TitleRequest.model_validate(json.loads(user)) == TITLES
    schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert schema["name"] == "title_result" and schema["strict"] is True
    assert schema["schema"]["additionalProperties"] is False


@pytest.mark.parametrize("mode", ["bad_json", "schema", "limit"])
async def test_invalid_output_is_a_retryable_model_output_error(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle, mode: str
) -> None:
    openai_server.set(invalid_next=1, invalid_mode=mode)
    with pytest.raises(ModelOutputInvalid) as caught:
        await openai_provider.titles(TITLES)
    assert caught.value.retryable
    assert (await openai_provider.titles(TITLES)).candidates, "the next attempt succeeds"


@pytest.mark.parametrize(
    ("status", "error", "retryable"),
    [
        (500, ModelUnavailable, True),
        (503, ModelUnavailable, True),
        (429, ModelRateLimited, True),
        (400, ModelRequestRejected, False),
        (401, ModelRequestRejected, False),
        (403, ModelRequestRejected, False),
        (404, ModelRequestRejected, False),
    ],
)
async def test_http_errors_are_classified_by_type(
    openai_provider: OpenAICompatProvider,
    openai_server: OpenAIServerHandle,
    status: int,
    error: type[Exception],
    retryable: bool,
) -> None:
    openai_server.set(fail_next=1, fail_status=status)
    with pytest.raises(error) as caught:
        await openai_provider.titles(TITLES)
    assert caught.value.retryable is retryable  # type: ignore[attr-defined]
    assert openai_server.requests_seen == 1, "the SDK must not retry on its own"


async def test_wrong_api_key_is_rejected_for_good(openai_server: OpenAIServerHandle) -> None:
    provider = OpenAICompatProvider(
        base_url=openai_server.base_url, api_key="wrong", model="m", timeout_seconds=5
    )
    try:
        with pytest.raises(ModelRequestRejected):
            await provider.titles(TITLES)
    finally:
        await provider.aclose()


async def test_timeout_and_unreachable_endpoint_are_retryable(openai_server: OpenAIServerHandle) -> None:
    openai_server.set(delay_seconds=1.0, api_key=None)
    slow = OpenAICompatProvider(base_url=openai_server.base_url, api_key="k", model="m", timeout_seconds=0.2)
    gone = OpenAICompatProvider(base_url="http://127.0.0.1:9/v1", api_key="k", model="m", timeout_seconds=2)
    try:
        with pytest.raises(ModelUnavailable):
            await slow.titles(TITLES)
        with pytest.raises(ModelUnavailable):
            await gone.titles(TITLES)
    finally:
        await slow.aclose()
        await gone.aclose()


@pytest.mark.parametrize(
    ("switches", "error_type", "non_retryable"),
    [
        ({"fail_next": 1, "fail_status": 500}, "ModelUnavailable", False),
        ({"fail_next": 1, "fail_status": 401}, "ModelRequestRejected", True),
        ({"invalid_next": 1, "invalid_mode": "schema"}, "ModelOutputInvalid", False),
    ],
)
async def test_activity_raises_typed_application_errors(
    openai_provider: OpenAICompatProvider,
    openai_server: OpenAIServerHandle,
    media_store: LocalMediaStore,
    switches: dict[str, object],
    error_type: str,
    non_retryable: bool,
) -> None:
    activities = AgentActivities(openai_provider, None, media_store, CoverRenderer())
    openai_server.set(**switches)
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(
            activities.generate_copy, CopyRequest(topic="露营", platform="douyin")
        )
    assert caught.value.type == error_type
    assert caught.value.non_retryable is non_retryable
    copy = await ActivityEnvironment().run(
        activities.generate_copy, CopyRequest(topic="露营", platform="douyin")
    )
    assert copy.platform == "douyin"


async def test_the_bots_decision_comes_back_structured_and_cites_only_what_it_was_given(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    hit = KnowledgeHit(entry_id="kb-1", question="几点营业？", answer="每天10点到22点营业。", score=0.9)
    job = ReplyJob(tenant_id="t", messages=["几点开门"], knowledge=KnowledgeHits(hits=[hit], answerable=True))
    decision = await openai_provider.reply(job)
    assert decision.action == "answer" and decision.cited == ["kb-1"] and "10点到22点" in decision.reply
    body = openai_server.bodies[-1]
    assert body["response_format"]["json_schema"]["name"] == "reply_decision"
    assert "action=handoff" in body["messages"][0]["content"]
