"""When the bot asks a customer for contact details (seed 13): after answering a customer of high intent (level
hot, or a price, booking or address question), never when a contact is known, never right after a refusal, at
most `lead_max_asks` times per conversation and not again within the cooldown. Plain code, so it replays.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from models.conversations import ConversationTiming
from models.customers import HIGH_INTENT_QUESTIONS, CustomerSnapshot, Intent


def ask_due(
    snapshot: CustomerSnapshot, intents: Collection[Intent], now: datetime, timing: ConversationTiming
) -> bool:
    if snapshot.has_contact or "refusal" in intents:
        return False
    if snapshot.level != "hot" and not HIGH_INTENT_QUESTIONS.intersection(intents):
        return False
    if snapshot.asks >= timing.lead_max_asks:
        return False
    cooldown = timedelta(seconds=timing.lead_cooldown_seconds)
    recent = [at for at in (snapshot.last_ask_at, snapshot.refused_at) if at is not None]
    return all(now - at >= cooldown for at in recent)
