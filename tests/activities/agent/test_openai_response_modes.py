"""The openai provider on endpoints without json_schema (or json_object), refusals and cut-off answers.

Each mode runs end to end through the real `openai` SDK against the local OpenAI-compatible server, which
answers the 400 such vendors answer when switched to.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.agent.activities import AgentActivities
from activities.agent.images import CoverRenderer
from activities.agent.providers.base import (
    ModelOutputTruncated,
    ModelRefused,
    ModelRequestRejected,
    ProviderError,
)
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.response_modes import EndpointModes
from activities.agent.rules import check_post, check_script, check_titles
from douflow.media import LocalMediaStore
from models.generation import CopyRequest, ImagePostRequest, TitleRequest, VideoScriptRequest
from tests.activities.agent.conftest import TEST_API_KEY
from tests.support.openai_server import OpenAIServerHandle

TITLES = TitleRequest(topic="夏季露营装备怎么选", keywords=["帐篷"], platform="xiaohongshu", count=4)
MODEL = "local-test"


@pytest.fixture
def modes() -> EndpointModes:
    return EndpointModes()


@pytest.fixture
async def provider(
    openai_server: OpenAIServerHandle, modes: EndpointModes
) -> AsyncIterator[OpenAICompatProvider]:
    async with _provider(openai_server, modes, MODEL) as made:
        yield made


@contextlib.asynccontextmanager
async def _provider(
    server: OpenAIServerHandle, modes: EndpointModes, model: str
) -> AsyncIterator[OpenAICompatProvider]:
    """A provider on the test server that shares `modes` with the others of the test."""
    made = OpenAICompatProvider(
        base_url=server.base_url, api_key=TEST_API_KEY, model=model, timeout_seconds=5, modes=modes
    )
    try:
        yield made
    finally:
        await made.aclose()


async def test_json_schema_is_used_where_accepted(
    provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    titles = await provider.titles(TITLES)
    assert check_titles(titles, "xiaohongshu") == []
    await provider.titles(TITLES)
    assert openai_server.formats_seen() == ["json_schema", "json_schema"]


async def test_refused_json_schema_falls_back_to_json_object_once_and_remembers_it(
    provider: OpenAICompatProvider, openai_server: OpenAIServerHandle, modes: EndpointModes
) -> None:
    openai_server.set(refuse_formats=("json_schema",))
    assert len((await provider.titles(TITLES)).candidates) == 4
    assert openai_server.formats_seen() == ["json_schema", "json_object"]
    system = openai_server.bodies[-1]["messages"][0]["content"]
    assert '"name": "title_result"' in system, "json_object does not carry the shape: the prompt does"

    await provider.platform_copy(CopyRequest(topic="租房改造小技巧", platform="weibo"))
    async with _provider(openai_server, modes, MODEL) as another:
        await another.titles(TITLES)
    assert openai_server.formats_seen()[2:] == ["json_object", "json_object"], "straight to json_object"


async def test_the_memory_is_per_endpoint_and_model(
    provider: OpenAICompatProvider, openai_server: OpenAIServerHandle, modes: EndpointModes
) -> None:
    openai_server.set(refuse_formats=("json_schema",))
    await provider.titles(TITLES)
    openai_server.set(refuse_formats=())
    async with _provider(openai_server, modes, "another-model") as other:
        await other.titles(TITLES)
    assert openai_server.formats_seen() == ["json_schema", "json_object", "json_schema"]


async def test_both_formats_refused_means_plain_json_in_the_prompt_for_every_task(
    provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    openai_server.set(refuse_formats=("json_schema", "json_object"))
    titles = await provider.titles(TITLES)
    assert openai_server.formats_seen() == ["json_schema", "json_object", "prompt"]
    assert "response_format" not in openai_server.bodies[-1]
    assert openai_server.bodies[-1]["temperature"] == pytest.approx(0.8)
    assert check_titles(titles, "xiaohongshu") == []
    copy = await provider.platform_copy(CopyRequest(topic="租房改造小技巧", platform="weibo"))
    assert check_post(copy) == []
    post = await provider.image_post(ImagePostRequest(topic="租房改造小技巧", image_count=3))
    assert len(post.images) == 3
    script = await provider.video_script(VideoScriptRequest(topic="咖啡豆", duration_seconds=45))
    assert check_script(script, 45) == []
    assert openai_server.formats_seen()[3:] == ["prompt"] * 3, "answers came fenced and were parsed"


async def test_a_400_about_something_else_is_rejected_without_changing_mode(
    provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    openai_server.set(fail_next=1, fail_status=400)
    with pytest.raises(ModelRequestRejected) as caught:
        await provider.titles(TITLES)
    assert not caught.value.retryable
    assert openai_server.requests_seen == 1
    await provider.titles(TITLES)
    assert openai_server.formats_seen() == ["json_schema", "json_schema"]


@pytest.mark.parametrize(
    ("switches", "error"),
    [
        ({"refuse_next": 1}, ModelRefused),
        ({"invalid_next": 1, "invalid_mode": "prose"}, ModelRefused),
        ({"truncate_next": 1}, ModelOutputTruncated),
        ({"invalid_next": 1, "invalid_mode": "bad_json"}, ModelOutputTruncated),
    ],
)
@pytest.mark.parametrize("formats", [(), ("json_schema", "json_object")])
async def test_refusal_and_truncation_are_typed_retryable_errors(
    provider: OpenAICompatProvider,
    openai_server: OpenAIServerHandle,
    switches: dict[str, object],
    error: type[ProviderError],
    formats: tuple[str, ...],
) -> None:
    openai_server.set(refuse_formats=formats, **switches)
    with pytest.raises(error) as caught:
        await provider.titles(TITLES)
    assert type(caught.value) is error and caught.value.retryable
    assert (await provider.titles(TITLES)).candidates, "the next attempt succeeds"


@pytest.mark.parametrize(
    ("switches", "error_type"),
    [({"refuse_next": 1}, "ModelRefused"), ({"truncate_next": 1}, "ModelOutputTruncated")],
)
async def test_activity_raises_them_as_retryable_application_errors(
    provider: OpenAICompatProvider,
    openai_server: OpenAIServerHandle,
    media_store: LocalMediaStore,
    switches: dict[str, object],
    error_type: str,
) -> None:
    activities = AgentActivities(provider, None, media_store, CoverRenderer())
    openai_server.set(**switches)
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(activities.generate_titles, TITLES)
    assert caught.value.type == error_type and not caught.value.non_retryable
