"""orchestration-service's journey activities (seed 15): what an enrolment reads and writes, its actions, and
its sends through the customer's conversation.

A send is never made here: the activity asks the conversation workflow (update-with-start, the step key as the
update id), which decides at the moment of sending and asks `allow_journey_send` for the frequency cap. The grant
row answers a repeated step key with its first answer, so neither a retried activity nor a new conversation run
sends twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from activities.orchestration.contract import Orchestration
from activities.orchestration.customers import record_batch
from activities.orchestration.notifications import NotificationActivities
from douflow.content.accounts import DouyinAccountRepository, customer_service_readiness
from douflow.customers.conversations import AGENTS, conversation_timing
from douflow.customers.journey_enrolment import DEFAULT_TIMEZONE, enrol
from douflow.customers.journeys import EnrolmentRepository, JourneyRepository
from douflow.customers.profiles import CustomerProfiles
from douflow.customers.scoring import JOURNEY_POINTS, top_score
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer, Lead
from douflow.db.journey_tables import JourneySendCount, JourneySendGrant
from douflow.db.metrics_tables import Notification
from douflow.db.tables import Tenant
from douflow.notify import recipients
from douflow.settings import Settings
from douflow.temporal import ids, starts
from models.conversations import ConversationInput
from models.customers import BehaviourBatch, BehaviourEvent
from models.journeys import (
    ActionOutcome,
    CustomerFacts,
    EnrolmentFinish,
    FactsRequest,
    JourneyAction,
    JourneyMaterialRequest,
    JourneySend,
    JourneySendOutcome,
    JourneySendRequest,
    JourneySteps,
    LeadField,
    SendAllowance,
    SendAllowed,
    SendRefusal,
    SendSettled,
    Unsubscribe,
)
from models.materials import MaterialSend, MaterialSendOutcome

JOURNEY_SEND_UPDATE = "journey_send"
JOURNEY_HANDOVER_UPDATE = "journey_handover"
SEND_MATERIAL_UPDATE = "send_material"
_NOTICE_NAMESPACE = uuid.UUID("2b0a6f0e-5d1c-4f7a-8e63-9c1d7a4b2e58")


def material_refusal(reason: str | None) -> SendRefusal:
    """The conversation answers a refused material in words; the journey's step keeps the kind."""
    text = reason or ""
    if "person" in text:
        return "human_owns"
    if "window" in text:
        return "window_closed"
    return "failed"


def local_day(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).date().isoformat()


class JourneyActivities(NotificationActivities, Orchestration):
    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    @activity.defn
    async def journey_customer_facts(self, req: FactsRequest) -> CustomerFacts:
        async with self._sessionmaker() as session:
            scored = await CustomerProfiles(session, req.tenant_id).one(req.customer_id, req.at)
            if scored is None:
                return CustomerFacts()
            customer = scored.customer
            leads = await session.execute(
                select(Lead.phone, Lead.wechat, Lead.name).where(
                    Lead.tenant_id == req.tenant_id, Lead.customer_id == req.customer_id
                )
            )
            known: set[LeadField] = set()
            for phone, wechat, name in leads.all():
                if phone:
                    known.add("phone")
                if wechat:
                    known.add("wechat")
                if name:
                    known.add("name")
            profile = {"nickname": customer.nickname} if customer.nickname else {}
            return CustomerFacts(
                score=top_score(scored.card),
                level=scored.card.level,
                tags=list(customer.tags or []),
                profile=profile,
                lead_fields=sorted(known),
            )

    @activity.defn
    async def record_journey_steps(self, steps: JourneySteps) -> None:
        async with self._sessionmaker() as session:
            repo = EnrolmentRepository(session, steps.tenant_id)
            for step in steps.steps:
                await repo.record_step(step)
            await session.commit()

    @activity.defn
    async def finish_journey_enrolment(self, finish: EnrolmentFinish) -> None:
        async with self._sessionmaker() as session:
            repo = EnrolmentRepository(session, finish.tenant_id)
            for step in finish.steps:
                await repo.record_step(step)
            await repo.finish(finish)
            await session.commit()

    @activity.defn
    async def run_journey_action(self, action: JourneyAction) -> ActionOutcome:
        node = action.node
        if node.action == "tag" and node.tag:
            return await self._tag(action, node.tag)
        if node.action == "add_points" and node.points is not None:
            return await self._points(action, node.points)
        if node.action == "notify" and node.title:
            return await self._notify(action, node.title)
        if node.action == "enrol" and node.journey_id:
            return await self._enrol_elsewhere(action, node.journey_id)
        if node.action == "handover":
            return await self._handover(action)
        return ActionOutcome(
            outcome="skipped", detail={"reason": f"{node.action} is not run by this activity"}
        )

    async def _tag(self, action: JourneyAction, tag: str) -> ActionOutcome:
        async with self._sessionmaker() as session:
            customer = await _customer(session, action.tenant_id, action.customer_id)
            if customer is None:
                return ActionOutcome(outcome="failed", detail={"reason": "customer not found"})
            added = tag not in (customer.tags or [])
            if added:
                customer.tags = [*(customer.tags or []), tag]
            await session.commit()
        return ActionOutcome(outcome="done", detail={"tag": tag, "added": added})

    async def _points(self, action: JourneyAction, points: int) -> ActionOutcome:
        """Points as a behaviour event of their own, so the score, level and thresholds follow as for any."""
        async with self._sessionmaker() as session:
            customer = await _customer(session, action.tenant_id, action.customer_id)
            if customer is None:
                return ActionOutcome(outcome="failed", detail={"reason": "customer not found"})
            event = BehaviourEvent(
                type="journey_points",
                source_key=f"{JOURNEY_POINTS}:{action.key}",
                detail={
                    "points": points,
                    "journey_id": action.journey_id,
                    "enrolment_id": action.enrolment_id,
                },
                occurred_at=action.at,
            )
            batch = BehaviourBatch(
                tenant_id=action.tenant_id,
                customer_open_id=customer.open_id,
                account_id=action.account_id,
                events=[event],
                at=action.at,
            )
            snapshot = await record_batch(session, batch)
            await session.commit()
        return ActionOutcome(outcome="done", detail={"points": points, "score": snapshot.score})

    async def _notify(self, action: JourneyAction, title: str) -> ActionOutcome:
        """To the tenant's agents, in-app and through the group robots that take `journey` notifications."""
        notice_id = str(uuid.uuid5(_NOTICE_NAMESPACE, action.key))
        async with self._sessionmaker() as session:
            row = Notification(
                id=notice_id,
                tenant_id=action.tenant_id,
                kind="journey",
                title=title,
                body=f"旅程 {action.journey_id} 的客户 {action.customer_id}",
                link=f"/api/v1/journeys/{action.journey_id}/enrolments/{action.enrolment_id}",
                object_id=action.customer_id,
                audience=AGENTS,
            )
            await recipients.address(session, row)
            await session.commit()
            items = recipients.written(session)
        await self._to_webhooks(action.tenant_id, items)
        return ActionOutcome(outcome="done", detail={"notification_id": notice_id})

    async def _enrol_elsewhere(self, action: JourneyAction, journey_id: str) -> ActionOutcome:
        async with self._sessionmaker() as session:
            repo = JourneyRepository(session, action.tenant_id)
            journey = await repo.get(journey_id)
            version = (
                await repo.version(journey_id, journey.published_version)
                if journey is not None and journey.published_version is not None
                else None
            )
            if journey is None or version is None:
                return ActionOutcome(
                    outcome="failed", detail={"reason": f"journey {journey_id} is not published"}
                )
            done = await enrol(
                session,
                self._client,
                self._settings,
                journey,
                version,
                action.customer_id,
                "journey",
                action.at,
            )
        if done.enrolment_id is None:
            return ActionOutcome(outcome="skipped", detail={"journey_id": journey_id, "reason": done.refusal})
        return ActionOutcome(
            outcome="done", detail={"journey_id": journey_id, "enrolment_id": done.enrolment_id}
        )

    async def _handover(self, action: JourneyAction) -> ActionOutcome:
        """The conversation hands itself over the way the bot does (assignment, agents told)."""
        request = JourneySendRequest(
            tenant_id=action.tenant_id,
            account_id=action.account_id or "",
            customer_id=action.customer_id,
            journey_id=action.journey_id,
            enrolment_id=action.enrolment_id,
            step_key=action.key,
            text="",
        )
        outcome = await self._through_conversation(request, JOURNEY_HANDOVER_UPDATE)
        detail = {"status": outcome.status, "reason": outcome.reason}
        return ActionOutcome(outcome="done" if outcome.status == "sent" else "refused", detail=detail)

    @activity.defn
    async def send_journey_message(self, req: JourneySendRequest) -> JourneySendOutcome:
        return await self._through_conversation(req, JOURNEY_SEND_UPDATE)

    async def _through_conversation(self, req: JourneySendRequest, update: str) -> JourneySendOutcome:
        send = JourneySend(
            tenant_id=req.tenant_id,
            customer_id=req.customer_id,
            journey_id=req.journey_id,
            enrolment_id=req.enrolment_id,
            step_key=req.step_key,
            text=req.text,
        )
        outcome = await self._conversation_update(
            req.tenant_id, req.account_id, req.customer_id, update, send, req.step_key, JourneySendOutcome
        )
        if outcome is None:
            return JourneySendOutcome(
                status="refused", refusal="no_account", reason="the customer or account is gone"
            )
        assert isinstance(outcome, JourneySendOutcome)
        return outcome

    @activity.defn
    async def send_journey_material(self, req: JourneyMaterialRequest) -> JourneySendOutcome:
        async with self._sessionmaker() as session:
            customer = await _customer(session, req.tenant_id, req.customer_id)
        if customer is None:
            return JourneySendOutcome(status="refused", refusal="no_account", reason="the customer is gone")
        allowance = SendAllowance(
            tenant_id=req.tenant_id,
            account_id=req.account_id,
            customer_id=req.customer_id,
            customer_open_id=customer.open_id,
            step_key=req.step_key,
            proactive=False,
            at=utcnow(),
        )
        allowed = await self.allow_journey_send(allowance)
        if not allowed.allowed:
            return JourneySendOutcome(
                status="refused", refusal=allowed.refusal or "failed", reason=allowed.reason or "not allowed"
            )
        send = MaterialSend(material_id=req.material_id, sender="journey", step_key=req.step_key)
        outcome = await self._conversation_update(
            req.tenant_id, req.account_id, req.customer_id, SEND_MATERIAL_UPDATE, send, req.step_key,
            MaterialSendOutcome,
        )  # fmt: skip
        if not isinstance(outcome, MaterialSendOutcome) or outcome.status == "refused":
            await self.return_journey_send(SendSettled(tenant_id=req.tenant_id, step_key=req.step_key))
            reason = outcome.reason if isinstance(outcome, MaterialSendOutcome) else None
            return JourneySendOutcome(
                status="refused", refusal=material_refusal(reason), reason=reason or "the account is gone"
            )
        return JourneySendOutcome(status="sent", reason=outcome.reason, message_id=outcome.share_link_id)

    async def _conversation_update(
        self,
        tenant_id: str,
        account_id: str,
        customer_id: str,
        update: str,
        arg: BaseModel,
        update_id: str,
        result_type: type[BaseModel],
    ) -> object | None:
        """`update` on the customer's conversation with the account, started if none runs (None: either is
        gone); the update id makes a retry answer the first call's result."""
        async with self._sessionmaker() as session:
            customer = await _customer(session, tenant_id, customer_id)
            account = await DouyinAccountRepository(session, tenant_id).get(account_id)
        if customer is None or account is None:
            return None
        run = starts.conversation(
            ConversationInput(
                tenant_id=tenant_id,
                account_id=account_id,
                customer_open_id=customer.open_id,
                timing=conversation_timing(self._settings),
            )
        )
        return await starts.update_with_start(
            self._client, self._settings, run, update, arg, update_id=update_id, result_type=result_type
        )

    @activity.defn
    async def allow_journey_send(self, req: SendAllowance) -> SendAllowed:
        async with self._sessionmaker() as session:
            grant = await _grant(session, req.tenant_id, req.step_key)
            if grant is not None and not grant.returned:
                return SendAllowed.model_validate(
                    {
                        "allowed": grant.allowed,
                        "refusal": grant.refusal,
                        "reason": grant.reason,
                        "repeated": True,
                    }
                )
            answer, day = await self._decide(session, req)
            if grant is None:
                session.add(
                    JourneySendGrant(
                        tenant_id=req.tenant_id,
                        step_key=req.step_key,
                        customer_id=req.customer_id,
                        day=day,
                        proactive=req.proactive,
                        allowed=answer.allowed,
                        refusal=answer.refusal,
                        reason=answer.reason,
                    )
                )
            else:
                grant.allowed, grant.refusal, grant.reason = answer.allowed, answer.refusal, answer.reason
                grant.day, grant.proactive, grant.returned = day, req.proactive, False
            await session.commit()
            return answer

    async def _decide(self, session: AsyncSession, req: SendAllowance) -> tuple[SendAllowed, str]:
        tenant = await session.get(Tenant, req.tenant_id)
        zone = tenant.timezone if tenant is not None and tenant.timezone else DEFAULT_TIMEZONE
        day = local_day(req.at, zone)
        customer = await _customer(session, req.tenant_id, req.customer_id)
        if customer is None or customer.unsubscribed_at is not None:
            return SendAllowed(
                allowed=False, refusal="unsubscribed", reason="the customer asked for no more messages"
            ), day
        account = await DouyinAccountRepository(session, req.tenant_id).get(req.account_id)
        readiness = customer_service_readiness(account, req.at) if account is not None else None
        if readiness is None or not readiness.ready:
            why = readiness.reason if readiness is not None else "the account is gone"
            return SendAllowed(allowed=False, refusal="missing_scope", reason=why), day
        cap = tenant.journey_daily_cap if tenant is not None else 0
        proactive_limit = self._settings.journey_proactive_daily_limit
        if not await _count(session, req, day, cap, proactive_limit):
            if req.proactive and await _proactive_used(session, req, day) >= proactive_limit:
                reason = f"Douyin's proactive allowance for the customer today ({proactive_limit}) is used"
                return SendAllowed(allowed=False, refusal="proactive_unavailable", reason=reason), day
            reason = f"the tenant's cap of {cap} journey messages per customer per day is reached"
            return SendAllowed(allowed=False, refusal="frequency_cap", reason=reason), day
        return SendAllowed(allowed=True), day

    @activity.defn
    async def return_journey_send(self, settled: SendSettled) -> None:
        async with self._sessionmaker() as session:
            grant = await _grant(session, settled.tenant_id, settled.step_key)
            if grant is None or grant.returned or not grant.allowed:
                return
            grant.returned = True
            await session.execute(
                update(JourneySendCount)
                .where(
                    JourneySendCount.tenant_id == settled.tenant_id,
                    JourneySendCount.customer_id == grant.customer_id,
                    JourneySendCount.day == grant.day,
                )
                .values(
                    sent=JourneySendCount.sent - 1,
                    proactive=JourneySendCount.proactive - (1 if grant.proactive else 0),
                )
            )
            await session.commit()

    @activity.defn
    async def unsubscribe_customer(self, req: Unsubscribe) -> int:
        async with self._sessionmaker() as session:
            customer = await _customer(session, req.tenant_id, req.customer_id)
            if customer is None:
                return 0
            if customer.unsubscribed_at is None:
                customer.unsubscribed_at = req.at
            running = [
                (e.journey_id, e.customer_id)
                for e in await EnrolmentRepository(session, req.tenant_id).running_of(req.customer_id)
            ]
            await session.commit()
        for journey_id, customer_id in running:
            handle = self._client.get_workflow_handle(ids.journey_workflow_id(journey_id, customer_id))
            try:
                await handle.signal("unsubscribed", req.source_key)
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
        return len(running)


async def _customer(session: AsyncSession, tenant_id: str, customer_id: str) -> Customer | None:
    found: Customer | None = await session.scalar(
        select(Customer).where(Customer.tenant_id == tenant_id, Customer.id == customer_id)
    )
    return found


async def _grant(session: AsyncSession, tenant_id: str, step_key: str) -> JourneySendGrant | None:
    found: JourneySendGrant | None = await session.scalar(
        select(JourneySendGrant).where(
            JourneySendGrant.tenant_id == tenant_id, JourneySendGrant.step_key == step_key
        )
    )
    return found


async def _count(session: AsyncSession, req: SendAllowance, day: str, cap: int, proactive_limit: int) -> bool:
    """One more send counted for the customer's day if it stays within the caps: one conditional UPDATE, so two
    journeys sending at once cannot both take the last one."""
    key = (req.tenant_id, req.customer_id, day)
    if await session.get(JourneySendCount, key) is None:
        try:
            async with session.begin_nested():
                session.add(JourneySendCount(tenant_id=req.tenant_id, customer_id=req.customer_id, day=day))
        except IntegrityError:
            pass  # another send made the day's row first
    limits = [JourneySendCount.sent < cap]
    if req.proactive:
        limits.append(JourneySendCount.proactive < proactive_limit)
    result = await session.execute(
        update(JourneySendCount)
        .where(
            JourneySendCount.tenant_id == req.tenant_id,
            JourneySendCount.customer_id == req.customer_id,
            JourneySendCount.day == day,
            *limits,
        )
        .values(
            sent=JourneySendCount.sent + 1,
            proactive=JourneySendCount.proactive + (1 if req.proactive else 0),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def _proactive_used(session: AsyncSession, req: SendAllowance, day: str) -> int:
    found = await session.scalar(
        select(JourneySendCount.proactive).where(
            JourneySendCount.tenant_id == req.tenant_id,
            JourneySendCount.customer_id == req.customer_id,
            JourneySendCount.day == day,
        )
    )
    return int(found or 0)
