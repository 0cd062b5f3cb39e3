"""What the bot or an agent sends a customer passes the compliance rules first (seed 10).

An absolute claim with a plain replacement is rewritten (最好 → 很好); a sentence that diverts off the
platform, claims a cure or holds a claim with no plain replacement is dropped; a message left empty is
blocked. A public comment reply is held to the stricter rule: inviting to a private chat (私聊, 私信) is
diversion there too, while a private message may say it.
"""

from __future__ import annotations

import re

from activities.agent.compliance import check_fields
from models.conversations import CheckedMessage, OutgoingCheck
from models.generation import ComplianceFinding

# Words the diversion rule lists that only divert in public: in a private message they are the chat itself.
PRIVATE_CHAT_WORDS = frozenset({"私聊", "私我"})
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_PLAIN_REPLACEMENT = re.compile(r"可改为“([^“”（(]+)”$")


def check_outgoing(message: OutgoingCheck) -> CheckedMessage:
    findings = _findings(message.text, message.public)
    if not findings:
        return CheckedMessage(text=message.text)
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(message.text):
        rewritten = _rewrite(sentence, [f for f in findings if f.term in sentence], message.public)
        if rewritten is not None:
            kept.append(rewritten)
    text = "".join(kept).strip()
    noted = [f"{f.category}:{f.term}" for f in findings]
    return CheckedMessage(text=text, blocked=not text, findings=noted)


def _findings(text: str, public: bool) -> list[ComplianceFinding]:
    found = check_fields({"message": text}).findings
    return [f for f in found if public or f.term not in PRIVATE_CHAT_WORDS]


def _rewrite(sentence: str, findings: list[ComplianceFinding], public: bool) -> str | None:
    """The sentence with each plain-replaceable claim rewritten; None when it must be dropped."""
    for finding in findings:
        replacement = _PLAIN_REPLACEMENT.search(finding.suggestion)
        if finding.category != "absolute_claim" or replacement is None:
            return None
        sentence = sentence.replace(finding.term, replacement.group(1))
    # A rewrite must not leave another finding behind (e.g. a replacement inside a longer claim).
    return None if findings and _findings(sentence, public) else sentence
