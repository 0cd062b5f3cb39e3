"""Journeys, their versions, enrolments and steps (seed 15), tenant-scoped; repositories flush, callers commit.

A published version is written once and never changed: publishing copies the draft into a new version row. An
enrolment row is made before its workflow starts, so re-entry is decided on rows, not on Temporal's history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.journey_tables import Journey, JourneyEnrolment, JourneyStep, JourneyVersion
from models.journeys import EnrolmentFinish, JourneyGraph, JourneyStepRecord

RUNNING = "running"
EXITED = "exited"


class JourneyRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    def create(
        self,
        name: str,
        account_id: str | None,
        graph: JourneyGraph,
        user_id: str,
        layout: dict[str, Any] | None = None,
    ) -> Journey:
        journey = Journey(
            tenant_id=self._tenant_id,
            name=name,
            account_id=account_id,
            draft=graph.model_dump(mode="json"),
            layout=layout,
            trigger=graph.trigger().on,
            created_by=user_id,
        )
        self._session.add(journey)
        return journey

    async def get(self, journey_id: str) -> Journey | None:
        return await self._session.scalar(
            select(Journey).where(Journey.tenant_id == self._tenant_id, Journey.id == journey_id)
        )

    async def all(self) -> Sequence[Journey]:
        rows = await self._session.scalars(
            select(Journey).where(Journey.tenant_id == self._tenant_id).order_by(Journey.created_at.desc())
        )
        return rows.all()

    def update_draft(
        self,
        journey: Journey,
        name: str,
        account_id: str | None,
        graph: JourneyGraph,
        layout: dict[str, Any] | None = None,
    ) -> None:
        """Replaces the draft and its layout (None: nodes are laid out automatically)."""
        journey.name, journey.account_id = name, account_id
        journey.draft = graph.model_dump(mode="json")
        journey.layout = layout
        journey.trigger = graph.trigger().on

    async def publish(self, journey: Journey, user_id: str, at: datetime) -> JourneyVersion:
        """The draft as the next version; new enrolments get it, running ones keep theirs."""
        latest = await self._session.scalar(
            select(func.max(JourneyVersion.version)).where(
                JourneyVersion.tenant_id == self._tenant_id, JourneyVersion.journey_id == journey.id
            )
        )
        version = JourneyVersion(
            tenant_id=self._tenant_id,
            journey_id=journey.id,
            version=(latest or 0) + 1,
            graph=dict(journey.draft),
            account_id=journey.account_id,
            published_by=user_id,
            published_at=at,
        )
        self._session.add(version)
        journey.published_version = version.version
        await self._session.flush()
        return version

    async def versions(self, journey_id: str) -> Sequence[JourneyVersion]:
        rows = await self._session.scalars(
            select(JourneyVersion)
            .where(JourneyVersion.tenant_id == self._tenant_id, JourneyVersion.journey_id == journey_id)
            .order_by(JourneyVersion.version.desc())
        )
        return rows.all()

    async def version(self, journey_id: str, version: int) -> JourneyVersion | None:
        return await self._session.scalar(
            select(JourneyVersion).where(
                JourneyVersion.tenant_id == self._tenant_id,
                JourneyVersion.journey_id == journey_id,
                JourneyVersion.version == version,
            )
        )

    async def live(self, triggers: Sequence[str]) -> list[tuple[Journey, JourneyVersion]]:
        """Published journeys whose trigger is one of these, with the version new enrolments get."""
        rows = await self._session.execute(
            select(Journey, JourneyVersion)
            .join(
                JourneyVersion,
                (JourneyVersion.journey_id == Journey.id)
                & (JourneyVersion.version == Journey.published_version)
                & (JourneyVersion.tenant_id == Journey.tenant_id),
            )
            .where(Journey.tenant_id == self._tenant_id, Journey.trigger.in_(list(triggers)))
            .order_by(Journey.created_at, Journey.id)
        )
        return [(j, v) for j, v in rows.all()]


@dataclass
class NodeStats:
    node_id: str
    entered: int = 0
    waiting: int = 0
    branches: dict[str, int] = field(default_factory=dict)
    exited: int = 0


@dataclass
class JourneyStats:
    enrolled: int
    running: int
    goal_reached: int
    nodes: list[NodeStats]

    @property
    def conversion(self) -> float:
        return round(self.goal_reached / self.enrolled, 4) if self.enrolled else 0.0


class EnrolmentRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def reentry_refusal(
        self, journey_id: str, customer_id: str, graph: JourneyGraph, now: datetime
    ) -> str | None:
        """Why the customer may not enter the journey now (running, or the re-entry policy); None: they may."""
        rows = await self._session.scalars(
            select(JourneyEnrolment)
            .where(
                JourneyEnrolment.tenant_id == self._tenant_id,
                JourneyEnrolment.journey_id == journey_id,
                JourneyEnrolment.customer_id == customer_id,
            )
            .order_by(JourneyEnrolment.entered_at.desc())
        )
        earlier = rows.all()
        if not earlier:
            return None
        if any(e.status == RUNNING for e in earlier):
            return "the customer is in this journey now"
        if graph.reentry == "never":
            return "the journey's re-entry policy is never, and the customer was in it before"
        if graph.reentry == "after_days":
            last = max(e.exited_at or e.entered_at for e in earlier)
            again = last + timedelta(days=graph.reentry_days or 0)
            if now < again:
                return f"the customer may enter again from {again.isoformat()}"
        return None

    async def enrol(
        self, journey_id: str, version: int, customer_id: str, trigger: str, workflow_id: str, at: datetime
    ) -> JourneyEnrolment | None:
        """The running enrolment; None when another one of the customer in the journey runs already."""
        enrolment = JourneyEnrolment(
            tenant_id=self._tenant_id,
            journey_id=journey_id,
            version=version,
            customer_id=customer_id,
            trigger=trigger,
            status=RUNNING,
            entered_at=at,
            workflow_id=workflow_id,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(enrolment)
        except IntegrityError:
            return None
        return enrolment

    async def get(self, enrolment_id: str) -> JourneyEnrolment | None:
        return await self._session.scalar(
            select(JourneyEnrolment).where(
                JourneyEnrolment.tenant_id == self._tenant_id, JourneyEnrolment.id == enrolment_id
            )
        )

    async def running_of(self, customer_id: str) -> Sequence[JourneyEnrolment]:
        rows = await self._session.scalars(
            select(JourneyEnrolment).where(
                JourneyEnrolment.tenant_id == self._tenant_id,
                JourneyEnrolment.customer_id == customer_id,
                JourneyEnrolment.status == RUNNING,
            )
        )
        return rows.all()

    async def list(
        self, journey_id: str, status: str | None, customer_id: str | None, limit: int, offset: int
    ) -> Sequence[JourneyEnrolment]:
        query = select(JourneyEnrolment).where(
            JourneyEnrolment.tenant_id == self._tenant_id, JourneyEnrolment.journey_id == journey_id
        )
        if status is not None:
            query = query.where(JourneyEnrolment.status == status)
        if customer_id is not None:
            query = query.where(JourneyEnrolment.customer_id == customer_id)
        rows = await self._session.scalars(
            query.order_by(JourneyEnrolment.entered_at.desc(), JourneyEnrolment.id)
            .limit(limit)
            .offset(offset)
        )
        return rows.all()

    async def of_customer(self, customer_id: str, limit: int) -> Sequence[tuple[JourneyEnrolment, str]]:
        """The customer's enrolments in every journey with the journey's name, newest first (the customer
        card reads them in one request rather than one per journey)."""
        rows = await self._session.execute(
            select(JourneyEnrolment, Journey.name)
            .join(
                Journey,
                (Journey.id == JourneyEnrolment.journey_id)
                & (Journey.tenant_id == JourneyEnrolment.tenant_id),
            )
            .where(JourneyEnrolment.tenant_id == self._tenant_id, JourneyEnrolment.customer_id == customer_id)
            .order_by(JourneyEnrolment.entered_at.desc(), JourneyEnrolment.id)
            .limit(limit)
        )
        return [(enrolment, name) for enrolment, name in rows.all()]

    async def steps(self, enrolment_id: str) -> Sequence[JourneyStep]:
        rows = await self._session.scalars(
            select(JourneyStep)
            .where(JourneyStep.tenant_id == self._tenant_id, JourneyStep.enrolment_id == enrolment_id)
            .order_by(JourneyStep.seq)
        )
        return rows.all()

    async def record_step(self, step: JourneyStepRecord) -> bool:
        """The step, once under (enrolment, seq); the enrolment's current node follows. False: recorded before."""
        enrolment = await self.get(step.enrolment_id)
        if enrolment is None:
            return False
        found = await self._session.scalar(
            select(JourneyStep.id).where(
                JourneyStep.tenant_id == self._tenant_id,
                JourneyStep.enrolment_id == step.enrolment_id,
                JourneyStep.seq == step.seq,
            )
        )
        if found is not None:
            return False
        try:
            async with self._session.begin_nested():
                self._session.add(
                    JourneyStep(
                        tenant_id=self._tenant_id,
                        enrolment_id=step.enrolment_id,
                        journey_id=step.journey_id,
                        version=step.version,
                        seq=step.seq,
                        node_id=step.node_id,
                        kind=step.kind,
                        outcome=step.outcome,
                        detail=step.detail,
                        task_needed=step.task_needed,
                        due_at=step.due_at,
                        at=step.at,
                    )
                )
        except IntegrityError:
            return False
        if enrolment.status == RUNNING:
            enrolment.current_node = step.node_id
        return True

    async def finish(self, finish: EnrolmentFinish) -> JourneyEnrolment | None:
        enrolment = await self.get(finish.enrolment_id)
        if enrolment is None or enrolment.status != RUNNING:
            return enrolment
        enrolment.status, enrolment.exited_at = EXITED, finish.at
        enrolment.exit_reason, enrolment.goal_reached = finish.exit_reason, finish.goal_reached
        if finish.node_id is not None:
            enrolment.current_node = finish.node_id
        return enrolment

    async def stats(self, journey_id: str, version: int | None = None) -> JourneyStats:
        """Per node: enrolments that entered it, wait in it now, left by each branch, exited there."""
        enrolments = select(JourneyEnrolment).where(
            JourneyEnrolment.tenant_id == self._tenant_id, JourneyEnrolment.journey_id == journey_id
        )
        steps = select(JourneyStep.enrolment_id, JourneyStep.node_id, JourneyStep.outcome).where(
            JourneyStep.tenant_id == self._tenant_id, JourneyStep.journey_id == journey_id
        )
        if version is not None:
            enrolments = enrolments.where(JourneyEnrolment.version == version)
            steps = steps.where(JourneyStep.version == version)
        rows = (await self._session.scalars(enrolments)).all()
        entered: dict[str, set[str]] = defaultdict(set)
        branches: dict[str, Counter[str]] = defaultdict(Counter)
        for enrolment_id, node_id, outcome in (await self._session.execute(steps)).all():
            entered[node_id].add(enrolment_id)
            branches[node_id][outcome] += 1
        waiting = Counter(e.current_node for e in rows if e.status == RUNNING and e.current_node)
        exited = Counter(e.current_node for e in rows if e.status == EXITED and e.current_node)
        nodes = sorted(set(entered) | set(waiting) | set(exited))
        return JourneyStats(
            enrolled=len(rows),
            running=sum(1 for e in rows if e.status == RUNNING),
            goal_reached=sum(1 for e in rows if e.goal_reached),
            nodes=[
                NodeStats(
                    node_id=n,
                    entered=len(entered.get(n, ())),
                    waiting=waiting.get(n, 0),
                    branches=dict(branches.get(n, Counter())),
                    exited=exited.get(n, 0),
                )
                for n in nodes
            ],
        )
