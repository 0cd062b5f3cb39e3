"""Runs the task queues of DouFlow's services: all in one process by default, or the ones named.

python worker.py                                  # every service
python worker.py --services agent-center          # one deployment per service in production

Which service registers what:

| service (task queue)  | workflows          | activities (built once per process)                    |
|-----------------------|--------------------|--------------------------------------------------------|
| orchestration         | workflows.registry | OrchestrationActivities (the Temporal client itself)   |
| agent-center          | –                  | AgentActivities (model provider, image service, media) |
| content-center        | –                  | ContentActivities (the database, the media store)      |

The orchestration worker also ensures, when it starts, the schedules of the whole deployment (the hourly
media cleanup).
| douyin-connector      | –                  | DouyinActivities (one Douyin client and token store)   |
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker

from activities.agent.contract import AgentCenter
from activities.agent.factory import build_agent_activities
from activities.content.activities import ContentActivities
from activities.content.contract import ContentCenter
from activities.douyin.activities import build_douyin_activities
from activities.douyin.contract import DouyinConnector
from activities.orchestration.activities import OrchestrationActivities
from activities.orchestration.contract import Orchestration
from activities.registration import activities_of
from douflow.agent_provider import describe_agent_provider
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.logging import configure_logging
from douflow.media import LocalMediaStore
from douflow.settings import Settings, get_settings
from douflow.temporal.client import connect_temporal, queue
from douflow.temporal.queues import AGENT_CENTER, CONTENT_CENTER, DOUYIN_CONNECTOR, ORCHESTRATION, SERVICES
from douflow.temporal.schedules.media import ensure_media_cleanup_schedule
from douflow.temporal.schedules.publish_sweep import ensure_publish_sweep_schedule
from workflows.registry import WORKFLOWS

log = logging.getLogger("douflow.worker")
SHUTDOWN_GRACE = timedelta(seconds=10)
Closer = Callable[[], Awaitable[object]]
Starter = Callable[[], Awaitable[object]]


@dataclass
class Service:
    """What one service's worker runs: its workflows, its activities and what to close on shutdown."""

    workflows: Sequence[type] = ()
    activities: Sequence[Callable[..., Any]] = ()
    closers: Sequence[Closer] = ()
    # Run once before the workers poll (a failure stops the process, which its supervisor restarts).
    starters: Sequence[Starter] = ()


def orchestration(client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Service:
    activities = OrchestrationActivities(client, settings, sessions)
    return Service(
        workflows=WORKFLOWS,
        activities=activities_of(activities, Orchestration),
        starters=[
            lambda: ensure_media_cleanup_schedule(client, settings),
            lambda: ensure_publish_sweep_schedule(client, settings),
        ],
    )


def agent_center(client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Service:
    log.info("agent provider: %s", describe_agent_provider(settings))
    activities = build_agent_activities(settings)
    return Service(activities=activities_of(activities, AgentCenter), closers=[activities.aclose])


def content_center(client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Service:
    activities = ContentActivities(
        sessions,
        LocalMediaStore(settings.media_dir),
        knowledge_min_score=settings.knowledge_min_score,
        public_base_url=settings.public_base_url,
    )
    return Service(activities=activities_of(activities, ContentCenter))


def douyin_connector(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Service:
    activities = build_douyin_activities(settings, sessions)
    return Service(activities=activities_of(activities, DouyinConnector), closers=[activities.aclose])


BUILDERS = {
    ORCHESTRATION: orchestration,
    AGENT_CENTER: agent_center,
    CONTENT_CENTER: content_center,
    DOUYIN_CONNECTOR: douyin_connector,
}


@dataclass
class WorkerSet:
    """The workers of one process and the clients they share, closed together."""

    workers: list[Worker]
    closers: list[Closer] = field(default_factory=list)
    starters: list[Starter] = field(default_factory=list)

    async def run(self) -> None:
        for start in self.starters:
            await start()
        await asyncio.gather(*(w.run() for w in self.workers))

    async def shutdown(self) -> None:
        await asyncio.gather(*(w.shutdown() for w in self.workers), return_exceptions=True)
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):
                await close()


def build_workers(client: Client, settings: Settings, services: Sequence[str] = SERVICES) -> WorkerSet:
    engine = create_engine(settings.database_url, echo=settings.database_echo)
    sessions = create_sessionmaker(engine)
    result = WorkerSet(workers=[], closers=[engine.dispose])
    for name in services:
        service = BUILDERS[name](client, settings, sessions)
        result.closers.extend(service.closers)
        result.starters.extend(service.starters)
        result.workers.append(
            Worker(
                client,
                task_queue=queue(settings, name),
                workflows=service.workflows,
                activities=service.activities,
                graceful_shutdown_timeout=SHUTDOWN_GRACE,
            )
        )
    return result


async def serve(settings: Settings, services: Sequence[str]) -> None:
    client = await connect_temporal(settings)
    worker_set = build_workers(client, settings, services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(worker_set.run())
    log.info("worker running queues %s", [queue(settings, s) for s in services])
    await asyncio.wait([runner, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    log.info("worker shutting down")
    await worker_set.shutdown()
    if runner.done() and (error := runner.exception()) is not None:
        raise error


def parse_services(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(names) - set(SERVICES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown services {unknown}; choose from {', '.join(SERVICES)}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--services", type=parse_services, default=list(SERVICES))
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging()
    code = 0
    try:
        asyncio.run(serve(settings, args.services))
    except Exception:
        log.exception("worker stopped on an error")
        code = 1
    logging.shutdown()
    # The Temporal SDK can crash at interpreter exit (sdk-python #300); leave without running finalisers.
    os._exit(code)


if __name__ == "__main__":
    main()
