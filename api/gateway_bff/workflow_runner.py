"""Starting a workflow for a request: business-key ids, idempotent retries, sync wait or async poll."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import Depends, Header, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ActivityError, ApplicationError, FailureError, WorkflowAlreadyStartedError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError
from temporalio.service import RPCError

from api.gateway_bff.deps import CurrentUser
from api.gateway_bff.errors import AccountBoundElsewhere, Conflict, NotFound, Unprocessable, UpstreamFailed
from api.gateway_bff.openapi_errors import may_answer
from api.gateway_bff.schemas.workflows import Accepted
from douflow.settings import Settings
from douflow.temporal import starts
from douflow.temporal.errors import (
    ACCOUNT_BOUND_ELSEWHERE,
    BRAND_UNUSABLE,
    CONTENT_NOT_FOUND,
    VERSION_CONFLICT,
)
from douflow.temporal.search import TENANT_ID

# It becomes part of a workflow id, which Temporal shows to anyone who can list runs: no room for data.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
# Where a run started for a keyed request keeps that request's fingerprint.
FINGERPRINT_MEMO = "request_fingerprint"
# Application error types that are the caller's doing rather than an upstream failure.
_CALLER_ERRORS: dict[str, type[Exception]] = {
    CONTENT_NOT_FOUND: NotFound,
    VERSION_CONFLICT: Conflict,
    BRAND_UNUSABLE: Unprocessable,
    ACCOUNT_BOUND_ELSEWHERE: AccountBoundElsewhere,
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        pattern=IDEMPOTENCY_KEY_PATTERN,
        max_length=64,
        description="client request id, 1-64 letters, digits and . _ : - (send a random one): a retried "
        "request with the same key answers the same result; the key with another request answers 409",
    ),
]


class KeyReused(Conflict):
    """The key already names another request's run: a conflict with what the server holds, not a malformed
    request (the same request with a fresh key is fine)."""

    code = "idempotency_key_reused"


@dataclass(frozen=True)
class RequestKey:
    """What a run's id is made from: the caller's Idempotency-Key, or a fresh key when none was sent."""

    value: str
    # Of the caller's request, when the caller chose the key: only then can it come again.
    fingerprint: str | None = None


@may_answer(409)
async def request_key(
    request: Request, user: CurrentUser, idempotency_key: IdempotencyKey = None
) -> RequestKey:
    if idempotency_key is None:
        return RequestKey(uuid.uuid4().hex)
    return RequestKey(
        idempotency_key, fingerprint(request.method, request.url.path, user.user_id, await request.body())
    )


Key = Annotated[RequestKey, Depends(request_key)]


def fingerprint(method: str, path: str, user_id: str, body: bytes) -> str:
    """The request a key was sent with: who, what and the body (JSON compared by value, not spelling)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except ValueError:
        canonical = body.hex()
    return hashlib.sha256(json.dumps([method, path, user_id, canonical]).encode()).hexdigest()


@dataclass
class Started:
    handle: WorkflowHandle[Any, Any]
    workflow_id: str


async def start(
    client: Client,
    settings: Settings,
    run: starts.Start,
    result_type: type[BaseModel] | None = None,
    key: RequestKey | None = None,
) -> Started:
    """Starts the run, or attaches to the run already holding its business key (a retried request).

    A run started for a keyed request keeps the request's fingerprint, so the same key sent with another
    request is refused rather than answered with the first one's result.
    """
    if key is not None and key.fingerprint is not None:
        run = replace(run, memo={FINGERPRINT_MEMO: key.fingerprint})
    try:
        handle = await starts.start(client, settings, run, result_type=result_type)
    except WorkflowAlreadyStartedError:
        handle = client.get_workflow_handle(run.id, result_type=result_type)
    if key is not None and key.fingerprint is not None:
        await _check_same_request(handle, key)
    return Started(handle=handle, workflow_id=run.id)


async def _check_same_request(handle: WorkflowHandle[Any, Any], key: RequestKey) -> None:
    memo = await (await handle.describe()).memo()
    # Runs started before fingerprints were kept have none: a retry of those is taken on trust.
    kept = memo.get(FINGERPRINT_MEMO)
    if kept is not None and kept != key.fingerprint:
        raise KeyReused(
            f"Idempotency-Key {key.value!r} was already used for another request (another body, path or "
            "user); send a new key for a new request"
        )


# `responses=` of a route that answers 202 with `accepted` when its run is to be polled.
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": Accepted, "description": "still running, or `?wait=false`: poll `status_url`"}
}


def accepted(workflow_id: str) -> JSONResponse:
    """The 202 of a run the caller polls; beside the route's own model, which describes its 200."""
    body = Accepted(workflow_id=workflow_id, status_url=f"/api/v1/workflows/{workflow_id}")
    return JSONResponse(body.model_dump(), status_code=status.HTTP_202_ACCEPTED)


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
