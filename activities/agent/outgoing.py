"""What the bot or an agent sends a customer passes the compliance rules first (seed 10).

An absolute claim with a plain replacement is rewritten (最好 → 很好); a sentence that diverts off the
platform, claims a cure or holds a claim with no plain replacement is dropped; a message left empty is
blocked. A public comment reply is held to the stricter rule: inviting to a private chat (私聊, 私信) is
diversion there too, while a private message may say it.

A web link is diversion too, except on Douyin's own hosts and on our own (`PUBLIC_BASE_URL`'s host: the
material library's tracked links, seed 17). Our links are set aside before the rules read the text, so the
random token of a link is never taken for a phone number or a WeChat id.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from activities.agent.compliance import check_fields
from models.conversations import CheckedMessage, OutgoingCheck
from models.generation import ComplianceFinding

# Words the diversion rule lists that only divert in public: in a private message they are the chat itself.
PRIVATE_CHAT_WORDS = frozenset({"私聊", "私我"})
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_PLAIN_REPLACEMENT = re.compile(r"可改为“([^“”（(]+)”$")
# A link as it appears in a message: a scheme, then URL characters up to white space or CJK punctuation.
_LINK = re.compile(r"(?i)https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
PLATFORM_HOSTS = ("douyin.com", "iesdouyin.com")
LINK_SUGGESTION = "平台禁止站外导流，请删除站外链接，资料请用素材库的分享链接发送"
# Links stand in the text as one private-use character each while the rules read it.
_PLACEHOLDER_BASE = 0xE000


def check_outgoing(message: OutgoingCheck, own_hosts: Collection[str] = ()) -> CheckedMessage:
    masked, links = _set_aside(message.text)
    foreign = frozenset(mark for mark, link in links.items() if not is_allowed_link(link, own_hosts))
    findings = _findings(masked, message.public, foreign)
    if not findings:
        return CheckedMessage(text=message.text)
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(masked):
        found = [f for f in findings if f.term in sentence]
        rewritten = _rewrite(sentence, found, message.public, foreign)
        if rewritten is not None:
            kept.append(rewritten)
    text = _restore("".join(kept).strip(), links)
    noted = [f"{f.category}:{_restore(f.term, links)}" for f in findings]
    return CheckedMessage(text=text, blocked=not text, findings=noted)


def is_allowed_link(url: str, own_hosts: Collection[str]) -> bool:
    """Whether a link stays on the platform: Douyin's hosts, or one of ours."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    owned = {h.lower() for h in own_hosts}
    return host in owned or any(host == p or host.endswith("." + p) for p in PLATFORM_HOSTS)


def _set_aside(text: str) -> tuple[str, dict[str, str]]:
    """The text with each link as one private-use character (so neither the rules nor the sentence split
    read inside a link), and the links by their character."""
    links: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        mark = chr(_PLACEHOLDER_BASE + len(links))
        links[mark] = match.group(0)
        return mark

    return _LINK.sub(swap, text), links


def _restore(text: str, links: dict[str, str]) -> str:
    for mark, link in links.items():
        text = text.replace(mark, link)
    return text


def _findings(text: str, public: bool, foreign: frozenset[str]) -> list[ComplianceFinding]:
    found = check_fields({"message": text}).findings
    found += [
        ComplianceFinding(term=mark, category="diversion", field="message", suggestion=LINK_SUGGESTION)
        for mark in sorted(foreign)
        if mark in text
    ]
    return [f for f in found if public or f.term not in PRIVATE_CHAT_WORDS]


def _rewrite(
    sentence: str, findings: list[ComplianceFinding], public: bool, foreign: frozenset[str]
) -> str | None:
    """The sentence with each plain-replaceable claim rewritten; None when it must be dropped."""
    for finding in findings:
        replacement = _PLAIN_REPLACEMENT.search(finding.suggestion)
        if finding.category != "absolute_claim" or replacement is None:
            return None
        sentence = sentence.replace(finding.term, replacement.group(1))
    # A rewrite must not leave another finding behind (e.g. a replacement inside a longer claim).
    return None if findings and _findings(sentence, public, foreign) else sentence
