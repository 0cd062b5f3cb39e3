"""orchestration-service's customer profile store (seed 12, 13): behaviour events, leads and scores.

One activity takes a batch of a customer's events and messages: it records the events (once per source key),
stores the contact details the messages carry as leads (each a `lead_left` event), scores the customer with the
tenant's rules at the workflow's now, fires threshold actions once per crossing, and answers what the
conversation needs to decide on asking for contact details. One transaction: a retry repeats nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.orchestration import journey_dispatch, task_dispatch
from activities.orchestration.contract import Orchestration
from activities.orchestration.tasks import TaskActivities
from douflow.customers import contacts, thresholds
from douflow.customers.behaviour import BehaviourRepository, ScoringRuleRepository
from douflow.customers.conversations import ConversationRepository
from douflow.customers.scoring import score, top_score
from douflow.db.tables import DouyinAccount, Tenant
from douflow.notify import recipients
from douflow.settings import Settings
from models.customers import (
    BehaviourBatch,
    BehaviourEvent,
    CustomerSaid,
    CustomerSnapshot,
    FanAction,
    FanActionRecorded,
)
from models.douyin_accounts import RELEASED


class CustomerActivities(TaskActivities, Orchestration):
    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def record_customer_behaviour(self, batch: BehaviourBatch) -> CustomerSnapshot:
        async with self._sessionmaker() as session:
            snapshot = await record_batch(session, batch)
            await session.commit()
            notices = recipients.written(session)
        await self._to_webhooks(batch.tenant_id, notices)
        await self.task_for_hot_lead(batch, snapshot)
        await task_dispatch.customer_did(self._client, self._sessionmaker, batch, snapshot)
        await journey_dispatch.after_behaviour(self, batch, snapshot.customer_id)
        return snapshot

    @activity.defn
    async def record_fan_action(self, action: FanAction) -> FanActionRecorded:
        async with self._sessionmaker() as session:
            held = await session.scalars(
                select(DouyinAccount).where(
                    DouyinAccount.tenant_id == action.tenant_id,
                    DouyinAccount.open_id.in_([u for u in action.user_ids if u]),
                    DouyinAccount.status.not_in(list(RELEASED)),
                )
            )
            account = held.first()
            fan = next((u for u in action.user_ids if u and account and u != account.open_id), None)
            if account is None or fan is None:
                return FanActionRecorded(recorded=False)
            detail = {"account_id": account.id, "item_id": action.item_id}
            event = BehaviourEvent(
                type=action.event,
                source_key=f"{action.event}:{action.msg_id}",
                detail=detail,
                occurred_at=action.at,
            )
            batch = BehaviourBatch(
                tenant_id=action.tenant_id,
                customer_open_id=fan,
                account_id=account.id,
                events=[event],
                at=action.at,
            )
            snapshot = await record_batch(session, batch)
            await session.commit()
        await journey_dispatch.after_behaviour(self, batch, snapshot.customer_id)
        return FanActionRecorded(recorded=True, customer_id=snapshot.customer_id)


async def record_batch(session: AsyncSession, batch: BehaviourBatch) -> CustomerSnapshot:
    """Records the batch in the caller's transaction, scores the customer and fires threshold actions."""
    customer = await ConversationRepository(session, batch.tenant_id).customer(
        batch.customer_open_id, None, batch.at
    )
    await session.flush()
    repo = BehaviourRepository(session, batch.tenant_id)
    events = list(batch.events)
    left = [await _leads_in(repo, customer.id, batch.conversation_id, said) for said in batch.said]
    events += [event for found in left for event in found]
    await repo.record(customer.id, events)
    await session.flush()
    rules = await ScoringRuleRepository(session, batch.tenant_id).rules()
    card = score((await repo.happened([customer.id]))[customer.id], rules, batch.at)
    fired = await thresholds.fire(session, customer, card, rules, batch.at)
    if fired:
        activity.logger.info("customer %s: %s", customer.id, ", ".join(fired))
    has_phone, has_wechat = await repo.known(customer.id)
    asks, last_ask = await repo.asks(batch.conversation_id)
    return CustomerSnapshot(
        customer_id=customer.id,
        level=card.level,
        score=top_score(card),
        has_phone=has_phone,
        has_wechat=has_wechat,
        asks=asks,
        last_ask_at=last_ask,
        refused_at=await repo.last_refusal(customer.id),
        card_id=await _card_of(session, batch.tenant_id, batch.account_id),
        new_lead=any(left),
    )


async def _card_of(session: AsyncSession, tenant_id: str, account_id: str | None) -> str | None:
    """The retain-consult card the tenant configured for the account, if any."""
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None or account_id is None:
        return None
    card = (tenant.lead_card_ids or {}).get(account_id)
    return str(card) if card else None


async def _leads_in(
    repo: BehaviourRepository, customer_id: str, conversation_id: str | None, said: CustomerSaid
) -> list[BehaviourEvent]:
    """The lead a message or a card carries, stored once, as its `lead_left` event."""
    source = "card" if said.card_data else "message"
    found = contacts.from_card(said.card_data) if said.card_data else contacts.from_text(said.text)
    if not found.found:
        return []
    key = f"lead:{said.msg_id}"
    if await repo.add_lead(customer_id, conversation_id, found, source, key, said.at) is None:
        return []
    fields = [name for name in ("phone", "wechat", "name") if getattr(found, name)]
    detail = {"source": source, "fields": fields, "conversation_id": conversation_id}
    return [BehaviourEvent(type="lead_left", source_key=key, detail=detail, occurred_at=said.at)]
