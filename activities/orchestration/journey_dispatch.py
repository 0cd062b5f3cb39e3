"""Customer behaviour into journeys (seed 15): enrolments of published journeys whose trigger matches are
started, and the customer's running enrolments get the events (decisions, the goal, replies).

Called after the behaviour is committed, from where it is recorded (`record_customer_behaviour`,
`record_fan_action`, `notify_handoff`, `record_comment`), one line each. What a batch caused is read back from the rows (its
events, its leads, the crossings at its time), so a retried activity dispatches the same again: the re-entry
policy holds on enrolment rows and a running enrolment ignores an event it has seen (its source key).
A customer's message asking for no more messages (`douflow/data/unsubscribe.toml`) unsubscribes them.
"""

from __future__ import annotations

from typing import Protocol, get_args

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from douflow.customers.conversations import ConversationRepository
from douflow.customers.journey_enrolment import enrol
from douflow.customers.journeys import EnrolmentRepository, JourneyRepository
from douflow.customers.thresholds import LEVEL_KEY
from douflow.customers.unsubscribe import wants_no_more
from douflow.db.conversation_tables import Conversation, CustomerEvent, Lead, ScoreCrossing
from douflow.settings import Settings
from douflow.temporal import ids
from models.comments import CommentTriageInput
from models.conversations import HandoffNotice
from models.customers import BehaviourBatch
from models.journeys import (
    JourneyDispatch,
    JourneyEvent,
    JourneyGraph,
    JourneySignal,
    TriggerKind,
    TriggerNode,
    Unsubscribe,
)

# Behaviour events that are journey events of the same name (a decision may wait for them, a goal be one).
_SAME_NAME = frozenset(get_args(JourneyEvent))


class Owner(Protocol):
    """What the dispatch needs of the activities calling it."""

    _client: Client
    _settings: Settings
    _sessionmaker: async_sessionmaker[AsyncSession]

    async def unsubscribe_customer(self, req: Unsubscribe) -> int: ...


async def after_behaviour(owner: Owner, batch: BehaviourBatch, customer_id: str) -> None:
    """A recorded batch: unsubscribe when the customer asked, else hand it to journeys."""
    if any(wants_no_more(said.text) for said in batch.said):
        said = next(s for s in batch.said if wants_no_more(s.text))
        key = f"unsubscribe:{said.msg_id}"
        await owner.unsubscribe_customer(
            Unsubscribe(tenant_id=batch.tenant_id, customer_id=customer_id, source_key=key, at=said.at)
        )
        return
    async with owner._sessionmaker() as session:
        found = await _caused(session, batch, customer_id)
    if found.signals:
        await dispatch(owner, found)


async def after_handoff(owner: Owner, notice: HandoffNotice) -> None:
    """A conversation handed to a person: the `handed_off` trigger and event."""
    async with owner._sessionmaker() as session:
        conversation = await session.scalar(
            select(Conversation).where(
                Conversation.tenant_id == notice.tenant_id, Conversation.id == notice.conversation_id
            )
        )
    if conversation is None:
        return
    signal = JourneySignal(
        event="handed_off",
        at=notice.at,
        source_key=f"handoff:{notice.conversation_id}:{notice.at.isoformat()}",
    )
    await dispatch(
        owner,
        JourneyDispatch(
            tenant_id=notice.tenant_id,
            customer_id=conversation.customer_id,
            account_id=conversation.account_id,
            signals=[signal],
            triggers=["handed_off"],
            at=notice.at,
        ),
    )


async def after_comment(owner: Owner, comment: CommentTriageInput) -> None:
    """A customer's comment on an account's item: the `comment_on_item` trigger and the `comment` event (the
    commenter becomes a customer of the tenant, as a like or a follow does)."""
    async with owner._sessionmaker() as session:
        customer = await ConversationRepository(session, comment.tenant_id).customer(
            comment.author_open_id, None, comment.created_at
        )
        await session.commit()
        customer_id = customer.id
    signal = JourneySignal(event="comment", at=comment.created_at, source_key=f"comment:{comment.comment_id}")
    await dispatch(
        owner,
        JourneyDispatch(
            tenant_id=comment.tenant_id,
            customer_id=customer_id,
            account_id=comment.account_id,
            signals=[signal],
            triggers=["comment_on_item"],
            at=comment.created_at,
        ),
    )


async def dispatch(owner: Owner, found: JourneyDispatch) -> None:
    """The events to the customer's running enrolments first (a new enrolment waits for later ones), then new
    enrolments of published journeys whose trigger matches."""
    async with owner._sessionmaker() as session:
        running = [
            e.journey_id
            for e in await EnrolmentRepository(session, found.tenant_id).running_of(found.customer_id)
        ]
        live = await JourneyRepository(session, found.tenant_id).live(found.triggers)
        for journey_id in running:
            for signal in found.signals:
                await _signal(owner._client, ids.journey_workflow_id(journey_id, found.customer_id), signal)
        for journey, version in live:
            trigger = JourneyGraph.model_validate(version.graph).trigger()
            if _matches(trigger, found):
                await enrol(
                    session,
                    owner._client,
                    owner._settings,
                    journey,
                    version,
                    found.customer_id,
                    trigger.on,
                    found.at,
                )


def _matches(trigger: TriggerNode, found: JourneyDispatch) -> bool:
    if trigger.on not in found.triggers:
        return False
    if trigger.on == "score_level":
        return any(s.event == "level_reached" and s.level == trigger.level for s in found.signals)
    if trigger.on == "tag_added":
        return any(s.event == "tag_added" and s.tag == trigger.tag for s in found.signals)
    return True


async def _signal(client: Client, workflow_id: str, signal: JourneySignal) -> None:
    try:
        await client.get_workflow_handle(workflow_id).signal("behaviour", signal)
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise


async def _caused(session: AsyncSession, batch: BehaviourBatch, customer_id: str) -> JourneyDispatch:
    """What the batch's recording caused, read from the rows: events, leads, level and threshold crossings."""
    signals: list[JourneySignal] = []
    triggers: list[TriggerKind] = []
    messages = [e for e in batch.events if e.type == "message_received"]
    for event in batch.events:
        if event.type == "message_received":
            signals.append(JourneySignal(event="replied", at=event.occurred_at, source_key=event.source_key))
        elif event.type in _SAME_NAME:
            signals.append(JourneySignal(event=event.type, at=event.occurred_at, source_key=event.source_key))  # type: ignore[arg-type]
    lead_keys = [f"lead:{said.msg_id}" for said in batch.said]
    if lead_keys:
        leads = await session.scalars(
            select(Lead).where(Lead.tenant_id == batch.tenant_id, Lead.source_key.in_(lead_keys))
        )
        for lead in leads.all():
            signals.append(JourneySignal(event="lead_left", at=lead.created_at, source_key=lead.source_key))
            triggers.append("lead_captured")
    crossings = await session.scalars(
        select(ScoreCrossing).where(
            ScoreCrossing.tenant_id == batch.tenant_id,
            ScoreCrossing.customer_id == customer_id,
            ScoreCrossing.at == batch.at,
        )
    )
    for crossing in crossings.all():
        key = f"crossing:{crossing.key}#{crossing.seq}"
        if crossing.key == LEVEL_KEY and crossing.above:
            level = JourneySignal.model_validate(
                {"event": "level_reached", "level": crossing.value, "at": crossing.at}
            )
            signals.append(level.model_copy(update={"source_key": key}))
            triggers.append("score_level")
        for action in crossing.actions or []:
            if action.startswith("tag:"):
                tag = action.removeprefix("tag:")
                signals.append(
                    JourneySignal(event="tag_added", tag=tag, at=crossing.at, source_key=f"{key}:{tag}")
                )
                triggers.append("tag_added")
    if messages and await _first_messages(session, batch.tenant_id, customer_id) <= len(messages):
        triggers.append("first_message")
    return JourneyDispatch(
        tenant_id=batch.tenant_id,
        customer_id=customer_id,
        account_id=batch.account_id,
        signals=signals,
        triggers=sorted(set(triggers)),
        at=batch.at,
    )


async def _first_messages(session: AsyncSession, tenant_id: str, customer_id: str) -> int:
    found = await session.scalar(
        select(func.count(CustomerEvent.id)).where(
            CustomerEvent.tenant_id == tenant_id,
            CustomerEvent.customer_id == customer_id,
            CustomerEvent.type == "message_received",
        )
    )
    return int(found or 0)
