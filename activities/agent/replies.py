"""The template provider's customer-service decisions (seed 10): grounded in the knowledge hits, or handed off.

Deterministic: the same messages and hits give the same decision. It never writes an answer the knowledge base
does not hold; what it cannot answer goes to a person with the reason.
"""

from __future__ import annotations

import hashlib
from typing import Any

from activities.agent.datafiles import load
from models.conversations import ReplyDecision, ReplyJob

REPLY_MAX = 500


def decide(job: ReplyJob) -> ReplyDecision:
    data = load("replies")
    text = "".join(job.messages).strip()
    brand = job.brand.profile.name if job.brand else "我们"
    if _asks_for_person(text, data):
        return ReplyDecision(
            reply=_pick(data["handoff"], text),
            action="handoff",
            reason="the customer asked for a person",
            confidence=0.95,
        )
    hits = job.knowledge.hits
    if job.images and not (text and job.knowledge.answerable and hits):
        return ReplyDecision(
            reply=_pick(data["handoff"], text or str(job.images)),
            action="handoff",
            reason=f"the customer sent {job.images} image(s) the bot cannot read; a person should look",
            confidence=0.9,
        )
    if job.knowledge.answerable and hits:
        top = hits[0]
        lead = data["answer_lead"] if _greets(text, data, anywhere=True) else ""
        return ReplyDecision(
            reply=(lead + top.answer)[:REPLY_MAX],
            action="answer",
            reason=f"answered from the knowledge entry 「{top.question[:60]}」",
            confidence=round(top.score, 3),
            cited=[top.entry_id],
        )
    if (job.greeting and not text) or _greets(text, data):
        return ReplyDecision(
            reply=_pick(data["greeting"], text).format(brand=brand),
            action="answer",
            reason="greeting",
            confidence=0.9,
        )
    best = f"; the closest entry scored {hits[0].score:.2f}" if hits else ""
    return ReplyDecision(
        reply=_pick(data["handoff"], text),
        action="handoff",
        reason=f"no knowledge entry answers 「{text[:60]}」{best}",
        confidence=round(hits[0].score, 3) if hits else 0.0,
    )


def _asks_for_person(text: str, data: dict[str, Any]) -> bool:
    return any(word in text for word in data["human_words"])


def _greets(text: str, data: dict[str, Any], anywhere: bool = False) -> bool:
    folded = text.lower()
    if not anywhere and len(text) > data["greeting_max_chars"]:
        return False
    return any(folded.startswith(word) if anywhere else word in folded for word in data["greeting_words"])


def _pick(options: list[str], text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return options[digest[0] % len(options)]
