"""A follow-up task's suggested script (seed 16): built from the task's context by the template provider (the
customer's name, the brand, their last words, the knowledge answer it cites, what the task waits for), and asked
of a model by its schema name."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.agent.providers.openai_compat import OpenAICompatProvider
from activities.agent.providers.template import TemplateProvider
from models.brands import BrandContext, BrandProfile, Product
from models.knowledge import KnowledgeHit, KnowledgeHits
from models.tasks import FollowUpScriptJob, LastMessage, LeadFields, TaskContext, TaskWait
from tests.support.openai_server import OpenAIServerHandle

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PRICE = KnowledgeHit(entry_id="kb-price", question="团购价？", answer="十人以上团购每位98元", score=0.9)
BRAND = BrandContext(
    brand_id="b",
    version=1,
    profile=BrandProfile(
        name="小鹿咖啡",
        products=[Product(name="手冲套餐", selling_points=["现磨豆子", "两人份"])],
        avoid_words=["超值"],
    ),
    product=Product(name="手冲套餐", selling_points=["现磨豆子", "两人份"]),
)


def job(
    *said: str, answerable: bool = True, waiting_for: list[TaskWait] | None = None, phone: str | None = None
) -> FollowUpScriptJob:
    context = TaskContext(
        customer_id="c1",
        nickname="小王",
        level="hot",
        score=62,
        last_messages=[LastMessage(author="customer", text=t, at=AT) for t in said],
        leads=[LeadFields(phone=phone, at=AT)] if phone else [],
        brand=BRAND,
    )
    return FollowUpScriptJob(
        tenant_id="t",
        reason="客户问团购价",
        source="journey",
        waiting_for=waiting_for or ["reply"],
        context=context,
        knowledge=KnowledgeHits(hits=[PRICE], answerable=answerable),
    )


async def test_the_template_greets_for_the_brand_recalls_the_question_and_cites_the_answer() -> None:
    made = await TemplateProvider().follow_up_script(job("你们团购怎么算价格"))

    assert made.text.startswith("小王您好，我是小鹿咖啡的顾问。")
    assert "「你们团购怎么算价格」" in made.text and "十人以上团购每位98元" in made.text
    assert "手冲套餐的特点是现磨豆子、两人份" in made.text
    assert made.cited == ["kb-price"]
    assert made == await TemplateProvider().follow_up_script(job("你们团购怎么算价格")), "deterministic"


async def test_without_an_answer_it_promises_to_check_and_asks_for_what_the_task_waits_for() -> None:
    made = await TemplateProvider().follow_up_script(
        job("能开发票吗", answerable=False, waiting_for=["lead"])
    )
    known = await TemplateProvider().follow_up_script(
        job("能开发票吗", answerable=False, phone="13812345678")
    )

    assert made.cited == [] and "核实" in made.text and "98元" not in made.text
    assert "留个电话" in made.text
    assert "按您留的联系方式" in known.text and "留个电话" not in known.text


async def test_the_openai_provider_asks_for_the_script_by_its_schema_name(
    openai_provider: OpenAICompatProvider, openai_server: OpenAIServerHandle
) -> None:
    made = await openai_provider.follow_up_script(job("你们团购怎么算价格"))

    assert made.cited == ["kb-price"] and "98元" in made.text
    body = openai_server.bodies[-1]
    assert body["response_format"]["json_schema"]["name"] == "follow_up_script"
    assert "跟进话术" in body["messages"][0]["content"]
