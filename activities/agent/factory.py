"""Builds agent-center's activities from settings; the worker calls this once and closes them on shutdown."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from pydantic import SecretStr

from activities.agent.activities import AgentActivities
from activities.agent.images import CoverRenderer, OpenAIImageGenerator
from activities.agent.providers.base import GenerationProvider
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from douflow.media import LocalMediaStore

# Local OpenAI-compatible servers (Ollama, vLLM) ignore the key, but the SDK insists on one.
UNUSED_API_KEY = "unused"


class AgentSettings(Protocol):
    """The settings attributes agent-center reads (douflow.settings.Settings provides them)."""

    agent_provider: Literal["template", "openai"]
    openai_base_url: str | None
    openai_api_key: SecretStr | None
    openai_model: str
    openai_timeout_seconds: float
    image_base_url: str | None
    image_api_key: SecretStr | None
    image_model: str
    media_dir: Path
    public_base_url: str


def build_agent_activities(settings: AgentSettings) -> AgentActivities:
    host = urlsplit(settings.public_base_url).hostname
    return AgentActivities(
        provider=build_provider(settings),
        image_generator=build_image_generator(settings),
        media_store=LocalMediaStore(settings.media_dir),
        cover_renderer=CoverRenderer(),
        own_link_hosts=frozenset({host.lower()} if host else ()),
    )


def build_provider(settings: AgentSettings) -> GenerationProvider:
    if settings.agent_provider == "template":
        return TemplateProvider()
    return OpenAICompatProvider(
        base_url=settings.openai_base_url,
        api_key=_secret(settings.openai_api_key),
        model=settings.openai_model,
        timeout_seconds=settings.openai_timeout_seconds,
    )


def build_image_generator(settings: AgentSettings) -> OpenAIImageGenerator | None:
    """An image client only when an image endpoint is configured; otherwise covers are rendered locally."""
    if not settings.image_base_url:
        return None
    return OpenAIImageGenerator(
        base_url=settings.image_base_url,
        # The same vendor usually serves both; fall back to the text model's key.
        api_key=_secret(settings.image_api_key or settings.openai_api_key),
        model=settings.image_model,
        timeout_seconds=settings.openai_timeout_seconds,
    )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else UNUSED_API_KEY
