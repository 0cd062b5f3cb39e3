"""A brand profile in agent-center: the openai prompt states it, and an avoid-word in any provider's output
is refused so Temporal retries the call."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.agent.activities import AgentActivities
from activities.agent.factory import build_agent_activities
from activities.agent.prompts import copy_prompt
from activities.agent.providers.template import TemplateProvider
from activities.agent.providers.writer import seed_of
from douflow.temporal.errors import MODEL_OUTPUT_INVALID
from models.brands import BrandContext, BrandProfile, Product
from models.generation import (
    Brief,
    CopyJob,
    CopyRequest,
    ImagePostJob,
    PlatformCopy,
    TitleRequest,
    VideoScriptJob,
    VideoScriptRequest,
)
from tests.activities.agent.test_activities import FakeSettings

BRAND = BrandContext(
    brand_id="b1",
    version=3,
    profile=BrandProfile(
        name="暖阳小家电",
        avoid_words=["神器", "秒杀"],
        prefer_words=["暖心"],
        call_to_action="戳主页领新人券",
    ),
    product=Product(name="速热杯", selling_points=["30秒速热到55度"], proof=["3C认证"]),
)


class AvoidWordProvider(TemplateProvider):
    """A model that ignores the brand's avoid-words."""

    async def platform_copy(self, req: CopyRequest) -> PlatformCopy:
        return PlatformCopy(platform=req.platform, title="暖手神器", body="速热杯，今天秒杀", hashtags=[])


def test_the_openai_prompt_states_the_brand() -> None:
    prompt = copy_prompt(CopyJob(topic="冬天喝热水", platform="douyin", brand=BRAND))
    for fact in ("暖阳小家电", "速热杯", "30秒速热到55度", "3C认证", "暖心", "戳主页领新人券", "神器、秒杀"):
        assert fact in prompt, fact
    assert "暖阳小家电" not in copy_prompt(CopyRequest(topic="冬天喝热水", platform="douyin"))


async def test_an_avoid_word_in_a_models_output_is_refused_for_a_retry(tmp_path: Path) -> None:
    built = build_agent_activities(FakeSettings(media_dir=tmp_path))
    activities = AgentActivities(AvoidWordProvider(), None, built._media, built._covers)
    job = CopyJob(topic="冬天喝热水", platform="douyin", brand=BRAND)
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities.generate_copy, job)
    assert raised.value.type == MODEL_OUTPUT_INVALID and not raised.value.non_retryable
    assert "神器" in str(raised.value) and "秒杀" in str(raised.value)


async def test_the_template_provider_writes_the_brand_and_never_an_avoid_word() -> None:
    job = CopyJob(topic="办公室暖手神器", platform="kuaishou", brand=BRAND)
    copy = await TemplateProvider().platform_copy(job)
    text = copy.title + copy.body + "".join(copy.hashtags)
    for fact in ("暖阳小家电", "速热杯", "30秒速热到55度", "3C认证", "暖心", "戳主页领新人券"):
        assert fact in text, fact
    assert "神器" not in text and "秒杀" not in text


@pytest.mark.parametrize(
    ("request_", "salt", "seed"),
    [
        (
            TitleRequest(topic="敏感肌春季护肤", keywords=["修护"], audience="上班族"),
            "titles:douyin",
            5250352186723586790,
        ),
        (ImagePostJob(topic="租房改造", image_count=4), "image_post:douyin", 345080265639228219),
        (VideoScriptJob(topic="露营装备", product="折叠椅"), "script:talking_head", 18115682488612908143),
        (VideoScriptRequest(topic="露营装备"), "script:story", 4044956193273718308),
    ],
)
def test_a_request_without_a_brand_seeds_the_template_as_before(
    request_: Brief, salt: str, seed: int
) -> None:
    """Seeds computed before requests could name a brand or product: the same request writes the same text."""
    assert seed_of(request_, salt) == seed
