"""agent-center's variant generation: the source's formula is kept, repeats are refused, limits hold."""

from __future__ import annotations

import pytest

from activities.agent.compliance import check_fields
from activities.agent.providers.template import TemplateProvider
from activities.agent.replication import VariantWriter, body_text, jaccard, match_formula
from models.generation import ImagePostRequest, VideoScriptRequest
from models.replication import VariantRequest
from workflows.steps import text_fields


@pytest.mark.parametrize(
    ("title", "formula", "subject"),
    [
        ("5个手冲咖啡技巧，第3个很多人不知道", "number", "手冲咖啡"),
        ("为什么你的绿萝总是黄叶？", "question", "绿萝"),
        ("同样是露营装备，为什么差距这么大？", "contrast", "露营装备"),
        ("我家猫咪今天又拆家了", "keyword", None),
        ("这家店还是那家店？", "question", None),
    ],
)
def test_the_hook_formula_and_subject_are_read_off_the_title(
    title: str, formula: str, subject: str | None
) -> None:
    assert match_formula(title) == (formula, subject)


def test_near_duplicates_score_high_and_new_texts_low() -> None:
    assert jaccard("5个手冲咖啡技巧，第3个很多人不知道", "4个手冲咖啡技巧，第2个很多人不知道！") > 0.6
    assert jaccard("5个手冲咖啡技巧，第3个很多人不知道", "手冲咖啡的4个细节，看完少走弯路") < 0.4
    assert jaccard("", "任何文字") == 0.0


async def test_variants_keep_the_formula_and_length_and_avoid_recent_texts() -> None:
    provider = TemplateProvider()
    source = await provider.image_post(ImagePostRequest(topic="手冲咖啡入门", image_count=3))
    recent = f"{source.title}\n{source.body}"
    request = VariantRequest(
        tenant_id="t", kind="image_post", source_title=source.title, topic="手冲咖啡入门",
        body=source.model_dump(), count=3, avoid_texts=[recent],
    )  # fmt: skip

    result = await VariantWriter(provider).variants(request)

    formula, _ = match_formula(source.title)
    assert result.hook.formula == formula and result.hook.title_length == len(source.title)
    assert len(result.variants) == 3
    titles = [v.title for v in result.variants]
    assert len(set(titles)) == 3 and source.title not in titles
    for variant in result.variants:
        assert variant.formula == formula and variant.kind == "image_post"
        assert abs(len(variant.title) - len(source.title)) <= max(len(source.title) * 0.3, 3)
        assert len(variant.body["images"]) == 3 and variant.body["title"] == variant.title
        assert jaccard(f"{variant.title}\n{body_text(variant.body)}", recent) < 0.6
        assert check_fields(text_fields(variant.body)).passed
    again = await VariantWriter(provider).variants(request)
    assert again == result  # deterministic: a retried activity gives the same drafts


async def test_script_variants_keep_type_and_duration() -> None:
    provider = TemplateProvider()
    source = await provider.video_script(
        VideoScriptRequest(topic="咖啡发苦怎么办", script_type="tutorial", duration_seconds=45)
    )
    request = VariantRequest(
        tenant_id="t", kind="video_script", source_title=source.title, topic="咖啡发苦怎么办",
        body=source.model_dump(), count=2,
    )  # fmt: skip

    result = await VariantWriter(provider).variants(request)

    assert len(result.variants) == 2
    for variant in result.variants:
        assert variant.body["script_type"] == "tutorial"
        assert variant.body["total_duration_seconds"] == pytest.approx(45, abs=1)
