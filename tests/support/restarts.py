"""A Temporal server that is stopped and started again, and what a run's history says about its timers.

The session's dev server keeps its state in memory, so a restart would lose every run. `DiskServer` keeps
its state in a SQLite file and comes back on the same port, as a deployed server comes back on its database.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from douflow.testing.temporal_server import free_port, start_dev_server
from tests.support.polling import eventually


@dataclass
class DiskServer:
    """A dev server on one database file and one port, however often it is stopped and started."""

    db_filename: Path
    port: int
    _env: WorkflowEnvironment | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> Client:
        """Starts the server on the file (where it stopped, if it ran before); a client connected to it."""
        assert self._env is None, "the server is running"
        self._env = await start_dev_server(db_filename=self.db_filename, port=self.port)
        return self._env.client

    async def stop(self) -> None:
        if self._env is not None:
            env, self._env = self._env, None
            await env.shutdown()


@contextlib.asynccontextmanager
async def disk_server(directory: Path) -> AsyncIterator[DiskServer]:
    """A stopped server on a fresh file in `directory`; stopped again at the end, whatever happened."""
    server = DiskServer(directory / "temporal.db", free_port())
    try:
        yield server
    finally:
        await server.stop()


@dataclass(frozen=True)
class Timer:
    """A durable timer as the server recorded it: when it falls due, and when it fired (if it did)."""

    timer_id: str
    due: datetime
    fired: tuple[datetime, ...]


@dataclass(frozen=True)
class ActivityRun:
    """One scheduled activity: when the workflow scheduled it and whether it completed."""

    name: str
    scheduled: datetime
    completed: bool


def _at(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


async def _events(handle: WorkflowHandle[Any, Any]) -> list[HistoryEvent]:
    return list((await handle.fetch_history()).events)


async def timers(handle: WorkflowHandle[Any, Any]) -> list[Timer]:
    """The run's timers in the order it started them; a timer is due its start event's time plus its duration
    (the server's own reckoning, not the workflow's)."""
    events = await _events(handle)
    fired: dict[str, list[datetime]] = {}
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
            fired.setdefault(event.timer_fired_event_attributes.timer_id, []).append(_at(event))
    started = [e for e in events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    return [
        Timer(
            timer_id=(attributes := e.timer_started_event_attributes).timer_id,
            due=_at(e) + attributes.start_to_fire_timeout.ToTimedelta(),
            fired=tuple(fired.get(attributes.timer_id, ())),
        )
        for e in started
    ]


async def pending_timer(handle: WorkflowHandle[Any, Any], *, within: float = 60) -> Timer:
    """The run's first timer once it started (the run waits on it), failing if it already fired."""
    [first, *_] = await eventually(lambda: timers(handle), within=within)
    assert not first.fired, f"the timer fired at {first.fired} before the test could stop the server"
    return first


async def activity_runs(handle: WorkflowHandle[Any, Any], name: str) -> list[ActivityRun]:
    """Every scheduling of the named activity in the run, each with whether it completed."""
    events = await _events(handle)
    completed = {
        e.activity_task_completed_event_attributes.scheduled_event_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    }
    return [
        ActivityRun(name, _at(e), e.event_id in completed)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == name
    ]


def late_by(run: ActivityRun, timer: Timer) -> timedelta:
    """How long after the timer fell due the activity was scheduled (negative: before it was due)."""
    return run.scheduled - timer.due
