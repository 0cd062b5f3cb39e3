"""Starting a workflow for a request: business-key ids, idempotent retries, sync wait or async poll."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ActivityError, ApplicationError, FailureError, WorkflowAlreadyStartedError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError
from temporalio.service import RPCError

from api.gateway_bff.errors import Conflict, DomainError, NotFound, Unprocessable, UpstreamFailed
from douflow.settings import Settings
from douflow.temporal import starts
from douflow.temporal.errors import BRAND_UNUSABLE, CONTENT_NOT_FOUND, VERSION_CONFLICT
from douflow.temporal.search import TENANT_ID

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Application error types that are the caller's doing rather than an upstream failure.
_CALLER_ERRORS: dict[str, type[Exception]] = {
    CONTENT_NOT_FOUND: NotFound,
    VERSION_CONFLICT: Conflict,
    BRAND_UNUSABLE: Unprocessable,
}


def request_key(client_request_id: str | None) -> str:
    """The caller's request id (so a retried request does not generate twice) or a fresh one."""
    if client_request_id is None:
        return uuid.uuid4().hex
    if not _REQUEST_ID.match(client_request_id):
        raise DomainError(
            "client request id (Idempotency-Key) must be 1-64 characters of letters, digits and . _ : -"
        )
    return client_request_id


@dataclass
class Started:
    handle: WorkflowHandle[Any, Any]
    workflow_id: str


async def start(
    client: Client, settings: Settings, run: starts.Start, result_type: type[BaseModel] | None = None
) -> Started:
    """Starts the run, or attaches to the run already holding its business key (a retried request)."""
    try:
        handle = await starts.start(client, settings, run, result_type=result_type)
    except WorkflowAlreadyStartedError:
        handle = client.get_workflow_handle(run.id, result_type=result_type)
    return Started(handle=handle, workflow_id=run.id)


async def wait_result(
    started: Started, result_type: type[BaseModel], wait_seconds: float
) -> BaseModel | None:
    """The workflow's result, None if it is still running after `wait_seconds` (the caller answers 202)."""
    try:
        raw = await asyncio.wait_for(started.handle.result(), wait_seconds)
        return raw if isinstance(raw, result_type) else result_type.model_validate(raw)
    except TimeoutError:
        return None
    except WorkflowFailureError as exc:
        raise failure_to_error(exc, started.workflow_id) from exc


def root_cause(exc: BaseException) -> tuple[str, str | None]:
    """The message and type of the outermost application error of a workflow failure.

    Outermost, because an activity raises its own typed error with the library's exception as cause.
    """
    cause: BaseException | None = exc
    message = str(exc)
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return cause.message, cause.type
        if isinstance(cause, TemporalTimeoutError):
            return f"timed out ({cause.type.name if cause.type else 'unknown'})", "Timeout"
        if isinstance(cause, FailureError) and not isinstance(cause, ActivityError):
            message = cause.message
        cause = cause.__cause__
    return message, None


def failure_to_error(exc: BaseException, workflow_id: str) -> Exception:
    message, error_type = root_cause(exc)
    caller_error = _CALLER_ERRORS.get(error_type or "")
    if caller_error is not None:
        return caller_error(message)
    return UpstreamFailed(f"workflow failed: {message}", error_type, workflow_id)


async def describe_for_tenant(client: Client, workflow_id: str, tenant_id: str) -> Any:
    """Describes a run, hiding runs of other tenants behind the same 404 as unknown ids."""
    try:
        description = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        raise NotFound(f"workflow {workflow_id} not found") from exc
    if description.typed_search_attributes.get(TENANT_ID) != tenant_id:
        raise NotFound(f"workflow {workflow_id} not found")
    return description
