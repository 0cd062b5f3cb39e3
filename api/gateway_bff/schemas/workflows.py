"""The async form of every generation: a workflow’s status and result."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Accepted(BaseModel):
    """Still running (or `?wait=false`): poll `status_url` for the result."""

    workflow_id: str
    status: str = "running"
    status_url: str


class WorkflowStatus(BaseModel):
    workflow_id: str
    workflow_type: str
    status: str
    stage: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    error_type: str | None = None
