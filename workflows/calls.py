"""Calling the services' activities from workflow code: one typed function per service, on its queue.

`await calls.content(ContentCenter.save_new_content, new, policies.CONTENT_WRITE)` schedules the activity
on content-center's queue with the named timeouts and retry policy. mypy checks that the activity belongs
to that service's contract, that `new` is what it takes and that the result is what it returns. Workflows
cannot read settings, so the deployment's queue prefix is recovered from the queue the workflow itself runs
on (`{prefix}orchestration`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from activities.orchestration.contract import Orchestration
    from douflow.temporal.policies import ActivityCall
    from douflow.temporal.queues import (
        AGENT_CENTER,
        CONTENT_CENTER,
        DOUYIN_CONNECTOR,
        ORCHESTRATION,
        prefixed,
    )

A = TypeVar("A")
R = TypeVar("R")


def queue_of(service: str) -> str:
    own = workflow.info().task_queue
    prefix = own[: -len(ORCHESTRATION)] if own.endswith(ORCHESTRATION) else ""
    return prefixed(prefix, service)


async def _run(service: str, activity: Callable[[Any, A], Awaitable[R]], arg: A, call: ActivityCall) -> R:
    return await workflow.execute_activity_method(
        activity,
        arg,
        task_queue=queue_of(service),
        start_to_close_timeout=call.timeout,
        schedule_to_close_timeout=call.schedule_to_close,
        heartbeat_timeout=call.heartbeat,
        retry_policy=call.retry,
    )


async def agent(activity: Callable[[AgentCenter, A], Awaitable[R]], arg: A, call: ActivityCall) -> R:
    """An agent-center activity (activities.agent.contract.AgentCenter)."""
    return await _run(AGENT_CENTER, activity, arg, call)


async def content(activity: Callable[[ContentCenter, A], Awaitable[R]], arg: A, call: ActivityCall) -> R:
    """A content-center activity (activities.content.contract.ContentCenter)."""
    return await _run(CONTENT_CENTER, activity, arg, call)


async def douyin(activity: Callable[[DouyinConnector, A], Awaitable[R]], arg: A, call: ActivityCall) -> R:
    """A delivery-connector-douyin activity (activities.douyin.contract.DouyinConnector)."""
    return await _run(DOUYIN_CONNECTOR, activity, arg, call)


async def orchestration(
    activity: Callable[[Orchestration, A], Awaitable[R]], arg: A, call: ActivityCall
) -> R:
    """orchestration's own activity, beside the workflows (activities.orchestration.contract.Orchestration)."""
    return await _run(ORCHESTRATION, activity, arg, call)
