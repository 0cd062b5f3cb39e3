"""Customer journeys (seed 15): design a graph, publish versions, enrol customers, watch where they are.

Admins and operators design, publish, enrol and simulate; agents may also unenrol a customer; every user of the
tenant reads. A draft and a publish are validated (`douflow.customers.journey_rules`): a problem answers 422
naming its node. Publishing copies the draft into an immutable version; running enrolments keep theirs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from temporalio.service import RPCError, RPCStatusCode

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep, require_role
from api.gateway_bff.errors import NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.journeys import (
    EnrolIn,
    EnrolmentPage,
    EnrolmentResult,
    EnrolmentView,
    EnrolResult,
    JourneyIn,
    JourneyPage,
    JourneyView,
    NodePosition,
    NodeStatsView,
    SimulateIn,
    SimulationView,
    StatsView,
    StepView,
    VersionPage,
    VersionView,
)
from douflow.content.accounts import DouyinAccountRepository, customer_service_readiness
from douflow.customers import journey_rules
from douflow.customers.conversations import AGENT_ROLES
from douflow.customers.journey_enrolment import DEFAULT_TIMEZONE, enrol
from douflow.customers.journeys import RUNNING, EnrolmentRepository, JourneyRepository
from douflow.customers.profiles import CustomerProfiles
from douflow.db.base import utcnow
from douflow.db.journey_tables import Journey, JourneyEnrolment, JourneyStep, JourneyVersion
from douflow.db.tables import AuditEvent, Tenant
from douflow.security.tokens import Principal
from douflow.temporal import ids
from models.journey_steps import simulate
from models.journeys import EnrolmentFinish, JourneyGraph

router = APIRouter(prefix="/api/v1/journeys", tags=["journeys"], route_class=GuardedRoute)
Agent = Annotated[Principal, Depends(require_role(*AGENT_ROLES))]
SEGMENT_MAX = 1000


class JourneyInvalid(Unprocessable):
    """The graph cannot run as it is; each problem names its node (`errors[].field` is `graph.nodes.<id>`)."""

    code = "journey_invalid"

    def __init__(self, found: list[journey_rules.JourneyProblem]) -> None:
        super().__init__("; ".join(str(p) for p in found))
        self.found = found

    def body(self) -> dict[str, object]:
        errors = [{"field": f"graph.nodes.{p.node_id}", "message": p.message} for p in self.found]
        return super().body() | {"errors": errors}


class LayoutInvalid(Unprocessable):
    """A position for a node the graph does not have (`errors[].field` is `layout.<id>`)."""

    code = "layout_invalid"

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(
            "; ".join(f"layout.{node_id}: no node {node_id} in the graph" for node_id in unknown)
        )
        self.unknown = unknown

    def body(self) -> dict[str, object]:
        errors = [{"field": f"layout.{n}", "message": f"no node {n} in the graph"} for n in self.unknown]
        return super().body() | {"errors": errors}


def _layout(body: JourneyIn) -> dict[str, object] | None:
    """The layout as stored; every position names a node of the graph."""
    if body.layout is None:
        return None
    nodes = {n.id for n in body.graph.nodes}
    unknown = [node_id for node_id in body.layout if node_id not in nodes]
    if unknown:
        raise LayoutInvalid(unknown)
    return {node_id: p.model_dump() for node_id, p in body.layout.items()}


def _view(journey: Journey) -> JourneyView:
    draft = JourneyGraph.model_validate(journey.draft)
    nodes = {n.id for n in draft.nodes}
    return JourneyView(
        id=journey.id,
        name=journey.name,
        account_id=journey.account_id,
        trigger=journey.trigger,
        draft=draft,
        layout={
            node_id: NodePosition.model_validate(at)
            for node_id, at in (journey.layout or {}).items()
            if node_id in nodes
        },
        published_version=journey.published_version,
        created_by=journey.created_by,
        created_at=journey.created_at,
        updated_at=journey.updated_at,
    )


def _version(version: JourneyVersion) -> VersionView:
    return VersionView(
        journey_id=version.journey_id,
        version=version.version,
        graph=JourneyGraph.model_validate(version.graph),
        account_id=version.account_id,
        published_by=version.published_by,
        published_at=version.published_at,
    )


def _enrolment(row: JourneyEnrolment, steps: list[JourneyStep] | None = None) -> EnrolmentView:
    return EnrolmentView(
        id=row.id,
        journey_id=row.journey_id,
        version=row.version,
        customer_id=row.customer_id,
        status=row.status,
        trigger=row.trigger,
        current_node=row.current_node,
        entered_at=row.entered_at,
        exited_at=row.exited_at,
        exit_reason=row.exit_reason,
        goal_reached=row.goal_reached,
        steps=None
        if steps is None
        else [
            StepView(
                seq=s.seq,
                node_id=s.node_id,
                kind=s.kind,
                outcome=s.outcome,
                detail=s.detail or {},
                task_needed=s.task_needed,
                due_at=s.due_at,
                at=s.at,
            )
            for s in steps
        ],
    )


async def _validated(
    session: SessionDep, tenant_id: str, account_id: str | None, graph: JourneyGraph
) -> None:
    readiness = None
    if account_id is not None:
        account = await DouyinAccountRepository(session, tenant_id).get(account_id)
        if account is None:
            raise Unprocessable(f"account_id: douyin account {account_id} not found in this tenant")
        readiness = customer_service_readiness(account, utcnow())
    found = journey_rules.problems(graph, readiness)
    if found:
        raise JourneyInvalid(found)


async def _journey(session: SessionDep, tenant_id: str, journey_id: str) -> Journey:
    journey = await JourneyRepository(session, tenant_id).get(journey_id)
    if journey is None:
        raise NotFound(f"journey {journey_id} not found")
    return journey


def _audit(
    session: SessionDep, user: Principal, action: str, journey_id: str, detail: dict[str, object]
) -> None:
    session.add(
        AuditEvent(
            tenant_id=user.tenant_id,
            actor_id=user.user_id,
            action=action,
            object_type="journey",
            object_id=journey_id,
            detail=detail,
        )
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_journey(body: JourneyIn, user: Operator, session: SessionDep) -> JourneyView:
    """A new journey with its draft graph and layout, validated (422 names the node); nothing runs until it is
    published."""
    layout = _layout(body)
    await _validated(session, user.tenant_id, body.account_id, body.graph)
    journey = JourneyRepository(session, user.tenant_id).create(
        body.name, body.account_id, body.graph, user.user_id, layout
    )
    await session.flush()
    _audit(session, user, "journey.created", journey.id, {})
    await session.commit()
    return _view(journey)


@router.get("")
async def list_journeys(user: CurrentUser, session: SessionDep) -> JourneyPage:
    """The tenant's journeys, newest first."""
    return JourneyPage(items=[_view(j) for j in await JourneyRepository(session, user.tenant_id).all()])


@router.get("/{journey_id}")
async def get_journey(journey_id: str, user: CurrentUser, session: SessionDep) -> JourneyView:
    """The journey with its draft and the version new enrolments get."""
    return _view(await _journey(session, user.tenant_id, journey_id))


@router.put("/{journey_id}")
async def update_journey(
    journey_id: str, body: JourneyIn, user: Operator, session: SessionDep
) -> JourneyView:
    """Replaces the draft (published versions never change), validated, and its layout when the body names
    one: a body without `layout` keeps the saved positions, `null` clears them."""
    journey = await _journey(session, user.tenant_id, journey_id)
    layout = _layout(body) if "layout" in body.model_fields_set else journey.layout
    await _validated(session, user.tenant_id, body.account_id, body.graph)
    JourneyRepository(session, user.tenant_id).update_draft(
        journey, body.name, body.account_id, body.graph, layout
    )
    _audit(session, user, "journey.draft_saved", journey.id, {})
    await session.commit()
    await session.refresh(journey)
    return _view(journey)


@router.get("/{journey_id}/versions")
async def list_versions(journey_id: str, user: CurrentUser, session: SessionDep) -> VersionPage:
    """The published versions, newest first."""
    await _journey(session, user.tenant_id, journey_id)
    versions = await JourneyRepository(session, user.tenant_id).versions(journey_id)
    return VersionPage(items=[_version(v) for v in versions])


@router.post("/{journey_id}/versions", status_code=status.HTTP_201_CREATED)
async def publish_journey(journey_id: str, user: Operator, session: SessionDep) -> VersionView:
    """Publishes the draft as the next version (validated again: the account's scopes may have changed).
    New enrolments get it; running ones keep the version they started with."""
    journey = await _journey(session, user.tenant_id, journey_id)
    graph = JourneyGraph.model_validate(journey.draft)
    await _validated(session, user.tenant_id, journey.account_id, graph)
    version = await JourneyRepository(session, user.tenant_id).publish(journey, user.user_id, utcnow())
    _audit(session, user, "journey.published", journey.id, {"version": version.version})
    await session.commit()
    return _version(version)


@router.get("/{journey_id}/versions/{version}")
async def get_version(
    journey_id: str, version: Annotated[int, Path(ge=1, le=100_000)], user: CurrentUser, session: SessionDep
) -> VersionView:
    found = await JourneyRepository(session, user.tenant_id).version(journey_id, version)
    if found is None:
        raise NotFound(f"journey {journey_id} has no version {version}")
    return _version(found)


async def _live(session: SessionDep, tenant_id: str, journey_id: str) -> tuple[Journey, JourneyVersion]:
    journey = await _journey(session, tenant_id, journey_id)
    if journey.published_version is None:
        raise Unprocessable(f"journey {journey_id} is not published: publish a version before enrolling")
    version = await JourneyRepository(session, tenant_id).version(journey_id, journey.published_version)
    if version is None:
        raise NotFound(f"journey {journey_id} has no version {journey.published_version}")
    return journey, version


@router.post("/{journey_id}/enrolments")
async def enrol_customers(
    journey_id: str,
    body: EnrolIn,
    user: Operator,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> EnrolResult:
    """Enrols these customers by hand in the published version; each answer says why a customer was not."""
    journey, version = await _live(session, user.tenant_id, journey_id)
    results: list[EnrolmentResult] = []
    for customer_id in dict.fromkeys(body.customer_ids):
        done = await enrol(session, temporal, settings, journey, version, customer_id, "manual", utcnow())
        results.append(
            EnrolmentResult(customer_id=customer_id, enrolment_id=done.enrolment_id, refusal=done.refusal)
        )
    return EnrolResult(items=results)


@router.post("/{journey_id}/segment-enrolments")
async def enrol_segment(
    journey_id: str, user: Operator, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> EnrolResult:
    """Enrols the existing customers matching the journey's segment trigger (at most 1 000 at once)."""
    journey, version = await _live(session, user.tenant_id, journey_id)
    trigger = JourneyGraph.model_validate(version.graph).trigger()
    if trigger.on != "segment" or trigger.segment is None:
        raise Unprocessable(f"journey {journey_id}: its trigger is {trigger.on}, not a segment")
    wanted = trigger.segment
    found = await CustomerProfiles(session, user.tenant_id).scored(
        utcnow(), level=wanted.level, min_score=wanted.min_score, tag=wanted.tag
    )
    customer_ids = [s.customer.id for s in found[:SEGMENT_MAX]]
    results: list[EnrolmentResult] = []
    for customer_id in customer_ids:
        done = await enrol(session, temporal, settings, journey, version, customer_id, "segment", utcnow())
        results.append(
            EnrolmentResult(customer_id=customer_id, enrolment_id=done.enrolment_id, refusal=done.refusal)
        )
    return EnrolResult(items=results)


@router.get("/{journey_id}/enrolments")
async def list_enrolments(
    journey_id: str,
    user: CurrentUser,
    session: SessionDep,
    status: Literal["running", "exited"] | None = None,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> EnrolmentPage:
    """The journey's enrolments, newest first, by status and customer."""
    await _journey(session, user.tenant_id, journey_id)
    rows = await EnrolmentRepository(session, user.tenant_id).list(
        journey_id, status, customer_id, limit, offset
    )
    return EnrolmentPage(items=[_enrolment(r) for r in rows], limit=limit, offset=offset)


@router.get("/{journey_id}/enrolments/{enrolment_id}")
async def get_enrolment(
    journey_id: str, enrolment_id: str, user: CurrentUser, session: SessionDep
) -> EnrolmentView:
    """One enrolment with every step it took."""
    repo = EnrolmentRepository(session, user.tenant_id)
    row = await repo.get(enrolment_id)
    if row is None or row.journey_id != journey_id:
        raise NotFound(f"enrolment {enrolment_id} not found in journey {journey_id}")
    return _enrolment(row, list(await repo.steps(enrolment_id)))


@router.delete("/{journey_id}/enrolments/{enrolment_id}")
async def unenrol(
    journey_id: str, enrolment_id: str, user: Agent, session: SessionDep, temporal: TemporalDep
) -> EnrolmentView:
    """Takes the customer out of the journey now: its run ends before its next step (agents may do this too)."""
    repo = EnrolmentRepository(session, user.tenant_id)
    row = await repo.get(enrolment_id)
    if row is None or row.journey_id != journey_id:
        raise NotFound(f"enrolment {enrolment_id} not found in journey {journey_id}")
    if row.status == RUNNING:
        handle = temporal.get_workflow_handle(ids.journey_workflow_id(journey_id, row.customer_id))
        try:
            await handle.signal("unenrol", user.user_id)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
        finish = EnrolmentFinish(
            tenant_id=user.tenant_id,
            enrolment_id=row.id,
            exit_reason="unenrolled",
            goal_reached=False,
            node_id=None,
            at=utcnow(),
        )
        await repo.finish(finish)
        _audit(session, user, "journey.unenrolled", journey_id, {"enrolment_id": row.id})
        await session.commit()
    return _enrolment(row)


@router.get("/{journey_id}/stats")
async def journey_stats(
    journey_id: str,
    user: CurrentUser,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> StatsView:
    """Per node: entered, waiting now, passed each branch, exited there; and conversion to the goal."""
    await _journey(session, user.tenant_id, journey_id)
    stats = await EnrolmentRepository(session, user.tenant_id).stats(journey_id, version)
    return StatsView(
        journey_id=journey_id,
        version=version,
        enrolled=stats.enrolled,
        running=stats.running,
        goal_reached=stats.goal_reached,
        conversion=stats.conversion,
        nodes=[
            NodeStatsView(
                node_id=n.node_id, entered=n.entered, waiting=n.waiting, branches=n.branches, exited=n.exited
            )
            for n in stats.nodes
        ],
    )


@router.post("/{journey_id}/simulate")
async def simulate_journey(
    journey_id: str, body: SimulateIn, user: Operator, session: SessionDep
) -> SimulationView:
    """A dry run: the path a test customer takes through the draft (or a version) given the events, and the
    actions that would fire with their times. Nothing is sent or written."""
    journey = await _journey(session, user.tenant_id, journey_id)
    graph = JourneyGraph.model_validate(journey.draft)
    if body.version is not None:
        found = await JourneyRepository(session, user.tenant_id).version(journey_id, body.version)
        if found is None:
            raise NotFound(f"journey {journey_id} has no version {body.version}")
        graph = JourneyGraph.model_validate(found.graph)
    tenant = await session.get(Tenant, user.tenant_id)
    zone = tenant.timezone if tenant is not None and tenant.timezone else DEFAULT_TIMEZONE
    run = simulate(graph, body.customer, body.events, body.start_at or utcnow(), zone)
    return SimulationView(**run.model_dump(), journey_id=journey_id, version=body.version)
