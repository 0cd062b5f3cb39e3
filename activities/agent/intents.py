"""What a customer's message shows (seed 12, 13): question kinds and refusals, from `data/intents.toml`, and
the bot's ask for contact details from `data/leads.toml`.

Rules rather than a model, on purpose: events and back-off must not change with the provider or its mood.
"""

from __future__ import annotations

import hashlib
from typing import cast

from activities.agent.datafiles import load
from models.customers import DetectedIntents, Intent, IntentJob, LeadAskJob, LeadAskText


def detect(job: IntentJob) -> DetectedIntents:
    data = load("intents")
    words: dict[str, list[str]] = data["words"]
    ignore: dict[str, list[str]] = data.get("ignore", {})
    found: list[list[Intent]] = []
    for message in job.messages:
        kinds = [kind for kind, terms in words.items() if _says(message, terms, ignore.get(kind, []))]
        found.append([cast(Intent, kind) for kind in kinds])
    return DetectedIntents(intents=found)


def _says(message: str, terms: list[str], ignored: list[str]) -> bool:
    folded = message.lower()
    for phrase in ignored:
        folded = folded.replace(phrase.lower(), " ")
    return any(term.lower() in folded for term in terms)


def lead_ask(job: LeadAskJob) -> LeadAskText:
    lines: list[str] = load("leads")["text" if job.kind == "ask" else job.kind]
    brand = job.brand or "我们"
    digest = hashlib.sha256(brand.encode()).digest()
    return LeadAskText(text=lines[digest[0] % len(lines)].format(brand=brand))
