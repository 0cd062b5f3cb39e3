"""The template provider's reply suggestions (seed 11): three drafts an agent may send, in three styles.

Deterministic, and never beyond what is known: a draft rests on the top knowledge hit's answer (cited) and
the brand's own selling points. When no entry answers the customer, every style is a holding reply that
cites nothing and says the agent will check, rather than an invented fact. When the agent may send a library
material that answers the customer, every draft offers the best one by its title.
"""

from __future__ import annotations

from typing import Any

from activities.agent.brand_words import remove_avoid_words
from activities.agent.datafiles import load
from models.suggestions import STYLES, SUGGESTION_MAX, SuggestedReply, SuggestionJob, SuggestionSet


def suggest(job: SuggestionJob) -> SuggestionSet:
    data = load("suggestions")
    question = _shortened("，".join(m.strip() for m in job.messages if m.strip()), data["question_max_chars"])
    hits = job.knowledge.hits
    if job.knowledge.answerable and hits:
        top = hits[0]
        drafts = _answers(job, data, question, top.answer)
        result = SuggestionSet(
            suggestions=[
                SuggestedReply(style=style, text=text[:SUGGESTION_MAX], cited=[top.entry_id])
                for style, text in zip(STYLES, drafts, strict=True)
            ]
        )
    else:
        holding = data["holding"]
        result = SuggestionSet(
            suggestions=[
                SuggestedReply(
                    style=style, text=holding[style].format(question=question or "您的问题"), holding=True
                )
                for style in STYLES
            ]
        )
    return remove_avoid_words(_offering(result, job, data), job.brand)


def _offering(result: SuggestionSet, job: SuggestionJob, data: dict[str, Any]) -> SuggestionSet:
    """Each draft with the best material offered by name, the draft's own words shortened to make room; a
    title holding one of the brand's avoid-words is passed over, since it could not be named."""
    avoid = job.brand.profile.avoid_words if job.brand is not None else []
    best = next((m for m in job.materials if not any(w in m.title for w in avoid)), None)
    if best is None:
        return result
    drafts = []
    for draft in result.suggestions:
        offer = data["material"][draft.style].format(title=best.title)
        text = draft.text[: SUGGESTION_MAX - len(offer)] + offer
        drafts.append(draft.model_copy(update={"text": text, "materials": [best.material_id]}))
    return SuggestionSet(suggestions=drafts)


def _answers(job: SuggestionJob, data: dict[str, Any], question: str, answer: str) -> list[str]:
    phrases = data["answer"]
    brand = job.brand
    concise = phrases["concise"].format(answer=answer)
    warm = phrases["warm"].format(answer=_sentence(answer))
    if brand is not None:
        warm = phrases["warm_brand"].format(brand=brand.profile.name) + warm
    professional = phrases["professional"].format(question=question, answer=_sentence(answer))
    product = brand.product if brand is not None else None
    if product is not None and product.selling_points:
        points = "、".join(product.selling_points[: data["points_max"]])
        professional += phrases["professional_points"].format(product=product.name, points=points)
    return [concise, warm, professional]


def _sentence(text: str) -> str:
    """The answer as a sentence that another may follow."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "!", "?", "～")) else f"{text}。"


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def check_suggestions(result: SuggestionSet, job: SuggestionJob) -> list[str]:
    """Any provider's set: one draft per style in order, citing only entries it was given."""
    problems = []
    styles = tuple(s.style for s in result.suggestions)
    if styles != STYLES:
        problems.append(f"styles {list(styles)}, {list(STYLES)} expected")
    given = {hit.entry_id for hit in job.knowledge.hits}
    for draft in result.suggestions:
        if unknown := [c for c in draft.cited if c not in given]:
            problems.append(f"{draft.style} cites entries it was not given: {unknown}")
        if draft.holding and draft.cited:
            problems.append(f"{draft.style} holds yet cites {draft.cited}")
        problems.extend(_offer_problems(draft, job))
    return problems


def _offer_problems(draft: SuggestedReply, job: SuggestionJob) -> list[str]:
    """A draft offers only materials it was given, and names each, so the agent knows what it promises."""
    titles = {m.material_id: m.title for m in job.materials}
    problems = []
    for material_id in draft.materials:
        title = titles.get(material_id)
        if title is None:
            problems.append(f"{draft.style} offers a material it was not given: {material_id}")
        elif title not in draft.text:
            problems.append(f"{draft.style} offers material {material_id} without naming it ({title})")
    return problems
