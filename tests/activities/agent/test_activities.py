"""Activity names and signatures others code against, the factory, and the template-backed activities."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from pydantic import SecretStr
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities.agent.activities import AgentActivities
from activities.agent.factory import build_agent_activities
from activities.agent.images import OpenAIImageGenerator
from activities.agent.providers.base import GenerationProvider
from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from models.generation import (
    ComplianceReport,
    ComplianceRequest,
    CopyJob,
    CopyRequest,
    GeneratedImage,
    ImagePostDraft,
    ImagePostJob,
    ImagePostRequest,
    ImageRequest,
    PlatformCopy,
    TitleJob,
    TitleRequest,
    TitleResult,
    VideoScript,
    VideoScriptJob,
    VideoScriptRequest,
)
from tests.support.openai_server import OpenAIServerHandle

CONTRACT = {
    "generate_titles": (TitleJob, TitleResult),
    "generate_copy": (CopyJob, PlatformCopy),
    "generate_image_post": (ImagePostJob, ImagePostDraft),
    "generate_video_script": (VideoScriptJob, VideoScript),
    "check_compliance": (ComplianceRequest, ComplianceReport),
    "create_image": (ImageRequest, GeneratedImage),
}


@dataclass
class FakeSettings:
    media_dir: Path
    agent_provider: Literal["template", "openai"] = "template"
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = 30.0
    image_base_url: str | None = None
    image_api_key: SecretStr | None = None
    image_model: str = "gpt-image-1"
    public_base_url: str = "https://douflow.example"


@pytest.mark.parametrize(
    ("job", "request_type"),
    [
        (TitleJob, TitleRequest),
        (CopyJob, CopyRequest),
        (ImagePostJob, ImagePostRequest),
        (VideoScriptJob, VideoScriptRequest),
    ],
)
def test_a_request_recorded_before_brands_is_a_job_without_one(
    job: type[TitleJob], request_type: type[TitleRequest]
) -> None:
    """Activities scheduled by runs from before brand profiles still decode."""
    platform = {"platform": "douyin"} if request_type is CopyRequest else {}
    recorded = request_type.model_validate({"topic": "露营装备"} | platform).model_dump_json()
    assert job.model_validate_json(recorded).brand is None


@pytest.mark.parametrize("name", CONTRACT)
def test_activity_names_and_signatures(name: str) -> None:
    method = getattr(AgentActivities, name)
    definition = activity._Definition.from_callable(method)
    assert definition is not None and definition.name == name
    hints = inspect.get_annotations(method, eval_str=True)
    assert (hints["req"], hints["return"]) == CONTRACT[name]


async def test_factory_builds_the_template_stack(tmp_path: Path) -> None:
    activities = build_agent_activities(FakeSettings(media_dir=tmp_path))
    assert isinstance(activities._provider, TemplateProvider)
    assert isinstance(activities._provider, GenerationProvider)
    assert activities._images is None
    await activities.aclose()


async def test_factory_builds_openai_clients_and_they_work(
    tmp_path: Path, openai_server: OpenAIServerHandle
) -> None:
    key = SecretStr("sk-test-local")
    settings = FakeSettings(
        media_dir=tmp_path,
        agent_provider="openai",
        openai_base_url=openai_server.base_url,
        openai_api_key=key,
        image_base_url=openai_server.base_url,
    )
    activities = build_agent_activities(settings)
    try:
        assert isinstance(activities._provider, OpenAICompatProvider)
        assert isinstance(activities._images, OpenAIImageGenerator)
        result = await ActivityEnvironment().run(
            activities.generate_titles, TitleRequest(topic="露营装备", count=3)
        )
        assert len(result.candidates) == 3
    finally:
        await activities.aclose()


async def test_template_activities_end_to_end(tmp_path: Path) -> None:
    activities = build_agent_activities(FakeSettings(media_dir=tmp_path))
    env = ActivityEnvironment()
    titles = await env.run(activities.generate_titles, TitleRequest(topic="租房改造小技巧", count=5))
    copy = await env.run(
        activities.generate_copy, CopyRequest(topic="租房改造小技巧", platform="xiaohongshu")
    )
    post = await env.run(
        activities.generate_image_post, ImagePostRequest(topic="租房改造小技巧", image_count=3)
    )
    script = await env.run(activities.generate_video_script, VideoScriptRequest(topic="租房改造小技巧"))
    assert len(titles.candidates) == 5 and copy.platform == "xiaohongshu" and len(post.images) == 3
    assert script.total_duration_seconds == 60
    report = await env.run(
        activities.check_compliance,
        ComplianceRequest(fields={"title": copy.title, "body": "最好的改造方案，加微信"}),
    )
    assert not report.passed and {f.category for f in report.findings} == {"absolute_claim", "diversion"}
    assert all(f.field == "body" for f in report.findings)
