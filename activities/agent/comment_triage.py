"""The template provider's comment triage (seed 10): a short public answer from the knowledge base, an
invitation to private messages, a thank-you, a person, or nothing.

Deterministic: the same comment and hits give the same decision. Price, contact and order questions and
complaints are never answered in public (everyone reads a comment reply); what the knowledge base does not
answer is never made up.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from activities.agent.datafiles import load
from models.comments import COMMENT_REPLY_MAX, CommentDecision, CommentJob

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def triage(job: CommentJob) -> CommentDecision:
    data = load("comments")
    text = job.text.strip()
    folded = text.lower()
    brand = job.brand.profile.name if job.brand else "我们"
    if _has(folded, data["complaint_words"]):
        return CommentDecision(
            action="invite_private",
            reply=_pick(data["apology"], text),
            reason="a complaint: answered with an apology and taken to private messages",
        )
    if _has(folded, data["private_words"]):
        return CommentDecision(
            action="invite_private",
            reply=_pick(data["invite"], text),
            reason="price, contact or order questions are answered in private messages, not in public",
        )
    hits = job.knowledge.hits
    if job.knowledge.answerable and hits:
        top = hits[0]
        return CommentDecision(
            action="public_reply",
            reply=shortened(top.answer, data["public_reply_max"]),
            reason=f"answered from the knowledge entry 「{top.question[:60]}」",
            cited=[top.entry_id],
        )
    if _has(folded, data["praise_words"]):
        if not data["thank_praise"]:
            return CommentDecision(action="ignore", reason="praise")
        return CommentDecision(
            action="public_reply",
            reply=_pick(data["thanks"], text).format(brand=brand),
            reason="praise, thanked",
        )
    if _has(folded, data["question_words"]):
        best = f"; the closest entry scored {hits[0].score:.2f}" if hits else ""
        return CommentDecision(action="handoff", reason=f"no knowledge entry answers 「{text[:60]}」{best}")
    return CommentDecision(action="ignore", reason="nothing to answer")


def shortened(answer: str, limit: int) -> str:
    """The answer, cut after the last sentence that ends within `limit` characters (hard cut if none)."""
    limit = min(limit, COMMENT_REPLY_MAX)
    if len(answer) <= limit:
        return answer
    kept = ""
    for sentence in _SENTENCE_END.split(answer):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept or answer[:limit]


def _has(folded: str, words: list[Any]) -> bool:
    return any(str(word).lower() in folded for word in words)


def _pick(options: list[str], text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return options[digest[0] % len(options)]
