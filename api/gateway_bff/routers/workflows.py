"""The async form of every generation: poll a workflow by id until it has a result."""

from __future__ import annotations

from fastapi import APIRouter
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import CurrentUser, TemporalDep
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.workflows import WorkflowStatus

router = APIRouter(prefix="/api/v1/workflows", tags=["workflows"], route_class=GuardedRoute)


@router.get("/{workflow_id}")
async def get_workflow(workflow_id: str, user: CurrentUser, temporal: TemporalDep) -> WorkflowStatus:
    """Status of one of the tenant's workflows; the result once it completed, the reason if it failed."""
    description = await runner.describe_for_tenant(temporal, workflow_id, user.tenant_id)
    state = description.status or WorkflowExecutionStatus.RUNNING
    answer = WorkflowStatus(
        workflow_id=workflow_id, workflow_type=description.workflow_type, status=state.name.lower()
    )
    handle = temporal.get_workflow_handle(workflow_id, result_type=dict)
    if state == WorkflowExecutionStatus.RUNNING:
        try:
            answer.stage = await handle.query("stage", result_type=str)
        except Exception:
            answer.stage = None
    elif state == WorkflowExecutionStatus.COMPLETED:
        answer.result = await handle.result()
    else:
        try:
            await handle.result()
        except WorkflowFailureError as exc:
            answer.error, answer.error_type = runner.root_cause(exc)
        except Exception as exc:
            answer.error = str(exc)
    return answer
