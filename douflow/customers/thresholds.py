"""Threshold actions and level changes (seed 12), fired once per crossing and recorded.

Each threshold (and the level) has a history of crossings per customer; an action fires only when the score
goes from below to above, so a customer who stays hot is not announced on every message, and one who cooled
and warmed up again is announced again. The crossing, its actions and the customer's tags are written in the
caller's transaction, so a retried activity finds them and fires nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.conversations import AGENTS
from douflow.customers.scoring import crossed, top_score
from douflow.db.conversation_tables import Customer, ScoreCrossing
from douflow.db.metrics_tables import Notification
from douflow.notify import recipients
from models.customers import LEVELS, ScoreCard, ScoreThreshold, ScoringRules

LEVEL_KEY = "level"
_NOTICE_NAMESPACE = uuid.UUID("6f1d2c3b-8a47-4e59-9c0d-5b7e2f1a9d34")


async def fire(
    session: AsyncSession, customer: Customer, card: ScoreCard, rules: ScoringRules, at: datetime
) -> list[str]:
    """Records every crossing since the last look and fires its actions; what fired, for logs and tests."""
    fired: list[str] = []
    for threshold in rules.thresholds:
        fired += await _threshold(session, customer, card, threshold, at)
    fired += await _level(session, customer, card, rules, at)
    return fired


async def _threshold(
    session: AsyncSession, customer: Customer, card: ScoreCard, threshold: ScoreThreshold, at: datetime
) -> list[str]:
    above = crossed(card, threshold)
    last = await _latest(session, customer, threshold.key)
    if above == (last.above if last else False):
        return []
    seq = (last.seq if last else 0) + 1
    done: list[str] = []
    if above:
        for action in threshold.actions:
            if action.kind == "tag" and action.tag:
                if action.tag not in customer.tags:
                    customer.tags = [*customer.tags, action.tag]
                done.append(f"tag:{action.tag}")
            elif action.kind == "notify":
                score = card.scores.get(threshold.group, 0.0)
                await _notify(
                    session,
                    customer,
                    f"{threshold.key}#{seq}",
                    "客户意向分达到阈值",
                    f"分组 {threshold.group} 的意向分 {score:g} 达到 {threshold.score:g}",
                )
                done.append("notify")
    session.add(
        ScoreCrossing(
            tenant_id=customer.tenant_id,
            customer_id=customer.id,
            key=threshold.key,
            seq=seq,
            above=above,
            value=f"{card.scores.get(threshold.group, 0.0):g}",
            actions=done,
            at=at,
        )
    )
    return done


async def _level(
    session: AsyncSession, customer: Customer, card: ScoreCard, rules: ScoringRules, at: datetime
) -> list[str]:
    before = customer.level if customer.level in LEVELS else "cold"
    if card.level == before:
        return []
    last = await _latest(session, customer, LEVEL_KEY)
    seq = (last.seq if last else 0) + 1
    done = [f"level:{before}->{card.level}"]
    rising = LEVELS.index(card.level) > LEVELS.index(before)
    if rising and card.level in rules.notify_on_level:
        await _notify(
            session,
            customer,
            f"{LEVEL_KEY}#{seq}",
            f"客户意向升为{_LEVEL_NAMES[card.level]}",
            f"意向分 {top_score(card):g}，等级 {before} → {card.level}",
        )
        done.append("notify")
    customer.level = card.level
    session.add(
        ScoreCrossing(
            tenant_id=customer.tenant_id,
            customer_id=customer.id,
            key=LEVEL_KEY,
            seq=seq,
            above=rising,
            value=card.level,
            actions=done,
            at=at,
        )
    )
    return done


_LEVEL_NAMES = {"cold": "冷", "warm": "温", "hot": "热"}


async def _notify(session: AsyncSession, customer: Customer, key: str, title: str, body: str) -> None:
    await recipients.address(
        session,
        Notification(
            id=str(uuid.uuid5(_NOTICE_NAMESPACE, f"{customer.id}:{key}")),
            tenant_id=customer.tenant_id,
            kind="customer_intent",
            title=title,
            body=body,
            link=f"/api/v1/customers/{customer.id}",
            object_id=customer.id,
            audience=AGENTS,
        ),
    )


async def _latest(session: AsyncSession, customer: Customer, key: str) -> ScoreCrossing | None:
    found: ScoreCrossing | None = await session.scalar(
        select(ScoreCrossing)
        .where(
            ScoreCrossing.tenant_id == customer.tenant_id,
            ScoreCrossing.customer_id == customer.id,
            ScoreCrossing.key == key,
        )
        .order_by(ScoreCrossing.seq.desc())
        .limit(1)
    )
    return found
