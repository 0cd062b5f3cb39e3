"""A workflow that sends notifications the way journeys and other runs will (Orchestration.send_notification)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.notifications import NewNotification
    from workflows import calls


@workflow.defn
class NotifyProbeWorkflow:
    @workflow.run
    async def run(self, notices: list[NewNotification]) -> None:
        for notice in notices:
            await calls.orchestration(Orchestration.send_notification, notice, policies.TASK_STORE)
