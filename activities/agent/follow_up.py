"""The template provider's follow-up script (seed 16): what a task's owner might say to the customer.

Deterministic and built from the task's context: greets the customer by name for the brand the account speaks
for, recalls their last words, answers from the top knowledge hit when one answers them (cited), names the
brand's product and selling points, and asks for what the task waits for. Nothing is invented: with no answer,
it promises to check.
"""

from __future__ import annotations

from activities.agent.brand_words import remove_avoid_words
from activities.agent.datafiles import load
from models.tasks import SCRIPT_MAX, FollowUpScript, FollowUpScriptJob


def script(job: FollowUpScriptJob) -> FollowUpScript:
    data = load("follow_up")
    context = job.context
    brand = context.brand
    name = context.nickname or "您"
    parts = [
        data["greeting"]["brand"].format(name=name, brand=brand.profile.name)
        if brand is not None
        else data["greeting"]["plain"].format(name=name)
    ]
    said = next((m.text.strip() for m in reversed(context.last_messages) if m.author == "customer"), "")
    if said:
        short = said if len(said) <= data["said_max_chars"] else said[: data["said_max_chars"]] + "…"
        parts.append(data["recall"]["said"].format(said=short))
    else:
        parts.append(data["recall"]["none"])
    cited: list[str] = []
    hits = job.knowledge.hits
    if said and job.knowledge.answerable and hits:
        parts.append(data["answer"].format(answer=_sentence(hits[0].answer)))
        cited.append(hits[0].entry_id)
    elif said:
        parts.append(data["holding"])
    product = brand.product if brand is not None else None
    if product is not None and product.selling_points:
        points = "、".join(product.selling_points[: data["points_max"]])
        parts.append(data["points"].format(product=product.name, points=points))
    parts.append(data["ask"][_ask(job)])
    result = FollowUpScript(text="".join(parts)[:SCRIPT_MAX], cited=cited)
    return remove_avoid_words(result, brand)


def _ask(job: FollowUpScriptJob) -> str:
    if job.context.leads:
        return "call"
    if "lead" in job.waiting_for or job.source in ("score", "handoff"):
        return "lead"
    return "reply"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "!", "?", "～")) else f"{text}。"
