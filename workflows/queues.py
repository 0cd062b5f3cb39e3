"""Task queue of each service as seen from inside a workflow.

Workflows cannot read settings, so the deployment's queue prefix is recovered from the queue the
workflow itself runs on (`{prefix}orchestration`).
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from douflow.temporal import AGENT_CENTER, CONTENT_CENTER, DOUYIN_CONNECTOR, ORCHESTRATION


def _prefix() -> str:
    own = workflow.info().task_queue
    return own[: -len(ORCHESTRATION)] if own.endswith(ORCHESTRATION) else ""


def agent_queue() -> str:
    return _prefix() + AGENT_CENTER


def content_queue() -> str:
    return _prefix() + CONTENT_CENTER


def douyin_queue() -> str:
    return _prefix() + DOUYIN_CONNECTOR


def orchestration_queue() -> str:
    """Activities that need the Temporal client itself (creating schedules) run beside the workflows."""
    return _prefix() + ORCHESTRATION
