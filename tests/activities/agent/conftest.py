"""Fixtures of the agent-center tests: template provider, local OpenAI-compatible server, media store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from douflow.media import LocalMediaStore
from tests.support.openai_server import OpenAIServerHandle, running_openai_server

TEST_API_KEY = "sk-test-local"


@pytest.fixture
def template() -> TemplateProvider:
    return TemplateProvider()


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServerHandle]:
    async with running_openai_server(api_key=TEST_API_KEY) as handle:
        yield handle


@pytest.fixture
async def openai_provider(openai_server: OpenAIServerHandle) -> AsyncIterator[OpenAICompatProvider]:
    provider = OpenAICompatProvider(
        base_url=openai_server.base_url, api_key=TEST_API_KEY, model="local-test", timeout_seconds=5
    )
    try:
        yield provider
    finally:
        await provider.aclose()


@pytest.fixture
def media_store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")
