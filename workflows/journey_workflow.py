"""One customer's enrolment in one journey version (seed 15): `journey-{journey_id}-{customer_id}`.

The run interprets the version it was started with (`models.journey_steps.plan`, shared with the dry run): a
wait is a durable timer, a decision is `wait_condition` on the `behaviour` signal with a timeout, conditions
read the customer as stored now, actions are activities. Every node passed is a step row (statistics), written
under (enrolment, seq), so a retried write or a replay records nothing twice; they are written together
before each wait and at the end (one activity, not one per node). The goal, a reply (when the
journey says so), an unsubscribe or an agent's unenrol end the run before its next step.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.journey_steps import MAX_STEPS, Act, Await, Finish, Move, Sleep, answers, exit_for, plan
    from models.journeys import (
        SEND_ACTIONS,
        ActionNode,
        ConditionNode,
        CustomerFacts,
        EnrolmentFinish,
        ExitReason,
        FactsRequest,
        JourneyAction,
        JourneyInput,
        JourneyMaterialRequest,
        JourneyResult,
        JourneySendOutcome,
        JourneySendRequest,
        JourneySignal,
        JourneyStepRecord,
        JourneySteps,
        StepOutcome,
    )
    from models.tasks import NewFollowUpTask
    from workflows import calls

SIGNALS_KEPT = 200
# A follow-up task of a journey is due this long after it is made, unless its node says otherwise.
TASK_DUE_MINUTES = 60


@workflow.defn
class JourneyWorkflow:
    @workflow.init
    def __init__(self, input: JourneyInput) -> None:
        self._in = input
        self._signals: list[JourneySignal] = []
        self._seen: list[str] = []
        self._received = 0  # signals ever received (an index that survives trimming the list)
        self._stop: ExitReason | None = None
        self._seq = 0
        self._path: list[str] = []
        self._unwritten: list[JourneyStepRecord] = []

    @workflow.run
    async def run(self, input: JourneyInput) -> JourneyResult:
        graph = input.graph
        trigger = graph.trigger()
        self._record(trigger.id, "trigger", "entered")
        node_id = trigger.next
        for _ in range(MAX_STEPS):
            if self._stopped() is not None:
                break
            node = graph.node(node_id)
            facts = await self._facts() if isinstance(node, ConditionNode) else CustomerFacts()
            step = plan(graph, node_id, facts, workflow.now(), input.timezone)
            if isinstance(step, Finish):
                self._record(node_id, "exit", "done", {"reason": step.reason})
                return await self._finish(step.reason, node_id)
            if isinstance(step, Move):
                self._record(node_id, node.kind, step.outcome)  # type: ignore[arg-type]
                node_id = step.next
            elif isinstance(step, Sleep):
                self._record(node_id, node.kind, "entered", {"why": step.why}, due_at=step.until)
                await self._write()
                if not await self._sleep(step):
                    break
                self._record(node_id, node.kind, "passed", {"why": step.why}, due_at=step.until)
                node_id = step.next
            elif isinstance(step, Await):
                self._record(node_id, "decision", "entered", {"event": step.event}, due_at=step.deadline)
                await self._write()
                answered = await self._decide(step)
                if answered is None:
                    break
                self._record(node_id, "decision", "yes" if answered else "no", {"event": step.event})
                node_id = step.yes if answered else step.no
            else:
                await self._act(step)
                node_id = step.next
        return await self._finish(self._stop or "done", node_id)

    # -- what arrives -------------------------------------------------------------------------------------

    @workflow.signal
    def behaviour(self, signal: JourneySignal) -> None:
        """The customer did something (journey dispatch): a decision may wait for it, the goal may be it."""
        if signal.source_key and signal.source_key in self._seen:
            return
        if signal.source_key:
            self._seen = [*self._seen[-SIGNALS_KEPT:], signal.source_key]
        self._signals = [*self._signals[-SIGNALS_KEPT:], signal]
        self._received += 1
        self._stop = self._stop or exit_for(self._in.graph, signal)

    @workflow.signal
    def unenrol(self, user_id: str) -> None:
        """An agent took the customer out (`DELETE /api/v1/journeys/{id}/enrolments/{enrolment_id}`)."""
        self._stop = self._stop or "unenrolled"

    @workflow.signal
    def unsubscribed(self, source_key: str) -> None:
        """The customer asked for no more messages: no step runs after this one."""
        self._stop = self._stop or "unsubscribed"

    @workflow.query
    def path(self) -> list[str]:
        return self._path

    # -- steps --------------------------------------------------------------------------------------------

    def _since(self, index: int) -> list[JourneySignal]:
        """Signals received after the `index`-th (those trimmed away are long past any decision)."""
        kept_from = self._received - len(self._signals)
        return self._signals[max(index - kept_from, 0) :]

    def _stopped(self) -> ExitReason | None:
        """Why the enrolment ends before its next step: the goal, a reply that exits, unsubscribe, unenrol."""
        return self._stop

    async def _sleep(self, step: Sleep) -> bool:
        """A durable timer that an exit cuts short; False when the enrolment ended meanwhile."""
        remaining = step.until - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(lambda: self._stopped() is not None, timeout=remaining)
            except TimeoutError:
                pass
        return self._stopped() is None

    async def _decide(self, step: Await) -> bool | None:
        """True when the event came before the deadline, False when it did not; None: the enrolment ended."""
        start = self._received

        def answered() -> bool:
            return any(answers(step.event, s) for s in self._since(start))

        remaining = max(step.deadline - workflow.now(), timedelta(0))
        try:
            await workflow.wait_condition(
                lambda: answered() or self._stopped() is not None, timeout=remaining
            )
        except TimeoutError:
            pass
        if answered():
            return True
        return None if self._stopped() is not None else False

    async def _act(self, step: Act) -> None:
        node = step.action
        if node.action == "create_task":
            task_id = await self._follow_up(node, node.title or "跟进客户", self._key(node.id))
            self._record(
                node.id,
                "action",
                "done" if task_id else "failed",
                {"action": node.action, "task_id": task_id},
            )
            return
        if node.action == "send_material":
            await self._send_material(node)
            return
        if node.action in SEND_ACTIONS:
            await self._send(node)
            return
        done = await calls.orchestration(
            Orchestration.run_journey_action,
            JourneyAction(
                tenant_id=self._in.tenant_id,
                journey_id=self._in.journey_id,
                enrolment_id=self._in.enrolment_id,
                customer_id=self._in.customer_id,
                account_id=self._in.account_id,
                node=node,
                key=self._key(node.id),
                at=workflow.now(),
            ),
            policies.JOURNEY_STORE,
        )
        self._record(node.id, "action", done.outcome, {"action": node.action, **done.detail})

    async def _send(self, node: ActionNode) -> None:
        """Through the conversation, which decides at the moment of sending; a refusal is for a person."""
        if self._in.account_id is None or node.text is None:
            self._record(node.id, "action", "refused", {"reason": "no account to send through"}, task=True)
            return
        outcome = await calls.orchestration(
            Orchestration.send_journey_message,
            JourneySendRequest(
                tenant_id=self._in.tenant_id,
                account_id=self._in.account_id,
                customer_id=self._in.customer_id,
                journey_id=self._in.journey_id,
                enrolment_id=self._in.enrolment_id,
                step_key=self._key(node.id),
                text=node.text,
            ),
            policies.JOURNEY_SEND,
        )
        detail: dict[str, Any] = {"action": node.action, "status": outcome.status, "scene": outcome.scene}
        if outcome.status == "sent":
            self._record(node.id, "action", "done", detail | {"message_id": outcome.message_id})
            return
        await self._refused(node, detail, outcome, f"旅程消息未能发出：{node.text}")

    async def _send_material(self, node: ActionNode) -> None:
        """A library material through the conversation, within the same caps; a refusal is for a person."""
        detail: dict[str, Any] = {"action": node.action, "material_id": node.material_id}
        if self._in.account_id is None or node.material_id is None:
            self._record(
                node.id, "action", "refused", detail | {"reason": "no account to send through"}, task=True
            )
            return
        outcome = await calls.orchestration(
            Orchestration.send_journey_material,
            JourneyMaterialRequest(
                tenant_id=self._in.tenant_id,
                account_id=self._in.account_id,
                customer_id=self._in.customer_id,
                journey_id=self._in.journey_id,
                enrolment_id=self._in.enrolment_id,
                step_key=self._key(node.id),
                material_id=node.material_id,
            ),
            policies.JOURNEY_SEND,
        )
        detail["status"] = outcome.status
        if outcome.status == "sent":
            self._record(node.id, "action", "done", detail | {"share_link_id": outcome.message_id})
            return
        await self._refused(node, detail, outcome, f"旅程资料未能发出（资料 {node.material_id}）")

    async def _refused(
        self, node: ActionNode, detail: dict[str, Any], outcome: JourneySendOutcome, what: str
    ) -> None:
        """A send the conversation refused (a person owns it, the window closed, a cap): a person follows up."""
        key = self._key(node.id)
        reason = f"{what}。原因：{outcome.reason or outcome.refusal}。请人工跟进客户。"
        task_id = await self._follow_up(node, reason, f"{key}:refused")
        detail |= {"reason": outcome.reason, "refusal": outcome.refusal, "task_id": task_id}
        self._record(node.id, "action", "refused", detail, task=True)

    async def _follow_up(self, node: ActionNode, reason: str, source_ref: str) -> str | None:
        """A follow-up task for the customer (once per step: the source ref is the step's key); None when it
        could not be made (the customer is gone)."""
        due = timedelta(minutes=node.due_minutes if node.due_minutes is not None else TASK_DUE_MINUTES)
        try:
            ref = await calls.orchestration(
                Orchestration.create_follow_up_task,
                NewFollowUpTask(
                    tenant_id=self._in.tenant_id,
                    customer_id=self._in.customer_id,
                    account_id=self._in.account_id,
                    reason=reason[:1000],
                    source="journey",
                    source_ref=source_ref,
                    due_at=workflow.now() + due,
                    waiting_for=["reply", "lead"],
                ),
                policies.TASK_STORE,
            )
        except ActivityError:
            return None
        return ref.task_id

    async def _facts(self) -> CustomerFacts:
        return await calls.orchestration(
            Orchestration.journey_customer_facts,
            FactsRequest(tenant_id=self._in.tenant_id, customer_id=self._in.customer_id, at=workflow.now()),
            policies.JOURNEY_STORE,
        )

    def _key(self, node_id: str) -> str:
        """The step's business key: the same on every retry and replay, unique per enrolment and step."""
        return f"{self._in.enrolment_id}:{self._seq + 1}:{node_id}"

    def _record(
        self,
        node_id: str,
        kind: str,
        outcome: StepOutcome,
        detail: dict[str, Any] | None = None,
        *,
        due_at: Any = None,
        task: bool = False,
    ) -> None:
        self._seq += 1
        self._path.append(f"{node_id}:{outcome}")
        self._unwritten.append(
            JourneyStepRecord(
                tenant_id=self._in.tenant_id,
                enrolment_id=self._in.enrolment_id,
                journey_id=self._in.journey_id,
                version=self._in.version,
                seq=self._seq,
                node_id=node_id,
                kind=kind,
                outcome=outcome,
                detail=detail or {},
                task_needed=task,
                due_at=due_at,
                at=workflow.now(),
            )
        )

    async def _write(self) -> None:
        """The steps since the last write, in one activity: before the enrolment waits (statistics show where it
        waits) and when it ends."""
        if not self._unwritten:
            return
        steps, self._unwritten = self._unwritten, []
        await calls.orchestration(
            Orchestration.record_journey_steps,
            JourneySteps(tenant_id=self._in.tenant_id, enrolment_id=self._in.enrolment_id, steps=steps),
            policies.JOURNEY_STORE,
        )

    async def _finish(self, reason: ExitReason, node_id: str) -> JourneyResult:
        await calls.orchestration(
            Orchestration.finish_journey_enrolment,
            EnrolmentFinish(
                tenant_id=self._in.tenant_id,
                enrolment_id=self._in.enrolment_id,
                exit_reason=reason,
                goal_reached=reason == "goal",
                node_id=node_id,
                at=workflow.now(),
                steps=self._unwritten,
            ),
            policies.JOURNEY_STORE,
        )
        self._unwritten = []
        await workflow.wait_condition(workflow.all_handlers_finished)
        return JourneyResult(
            enrolment_id=self._in.enrolment_id,
            exit_reason=reason,
            goal_reached=reason == "goal",
            path=self._path,
        )
