"""Runs the task queues of DouFlow's services: all in one process by default, or the ones named.

python worker.py                                  # every service
python worker.py --services agent-center          # one deployment per service in production
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

from temporalio.client import Client
from temporalio.worker import Worker

from activities.agent.factory import build_agent_activities, build_provider
from activities.agent.replication import ReplicationAgentActivities
from activities.content.activities import ContentActivities
from activities.content.calendar_activities import CalendarActivities
from activities.content.douyin_account_activities import DouyinAccountActivities
from activities.content.metrics_activities import MetricsStoreActivities
from activities.content.publish_activities import PublishStoreActivities
from activities.content.replication_activities import ReplicationStoreActivities
from activities.content.replication_scheduling import ReplicationSchedulingActivities
from activities.douyin.account_activities import build_douyin_connector
from activities.douyin.metrics_activities import build_metrics_connector
from activities.douyin.publish_factory import build_publish_connector
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.logging import configure_logging
from douflow.settings import Settings, get_settings
from douflow.temporal import (
    AGENT_CENTER,
    CONTENT_CENTER,
    DOUYIN_CONNECTOR,
    ORCHESTRATION,
    SERVICES,
    connect_temporal,
    queue,
)
from workflows.registry import WORKFLOWS

log = logging.getLogger("douflow.worker")
SHUTDOWN_GRACE = timedelta(seconds=10)


@dataclass
class WorkerSet:
    """The workers of one process and the clients they share, closed together."""

    workers: list[Worker]
    closers: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    async def run(self) -> None:
        await asyncio.gather(*(w.run() for w in self.workers))

    async def shutdown(self) -> None:
        await asyncio.gather(*(w.shutdown() for w in self.workers), return_exceptions=True)
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):
                await close()


def build_workers(client: Client, settings: Settings, services: Sequence[str] = SERVICES) -> WorkerSet:
    engine = create_engine(settings.database_url, echo=settings.database_echo)
    sessionmaker = create_sessionmaker(engine)
    result = WorkerSet(workers=[], closers=[engine.dispose])

    def add(service: str, **kwargs: object) -> None:
        result.workers.append(
            Worker(
                client,
                task_queue=queue(settings, service),
                graceful_shutdown_timeout=SHUTDOWN_GRACE,
                **kwargs,  # type: ignore[arg-type]
            )
        )

    if ORCHESTRATION in services:
        # Activities that create Temporal Schedules need the client, which workflows cannot hold.
        scheduling = ReplicationSchedulingActivities(client, settings, sessionmaker)
        add(ORCHESTRATION, workflows=WORKFLOWS, activities=[scheduling.schedule_replication_variants])
    if AGENT_CENTER in services:
        agent = build_agent_activities(settings)
        result.closers.append(agent.aclose)
        replication_provider = build_provider(settings)
        result.closers.append(replication_provider.aclose)
        replication_agent = ReplicationAgentActivities(replication_provider)
        add(
            AGENT_CENTER,
            activities=[
                agent.generate_titles,
                agent.generate_copy,
                agent.generate_image_post,
                agent.generate_video_script,
                agent.check_compliance,
                agent.create_image,
                replication_agent.generate_variants,
            ],
        )
    if CONTENT_CENTER in services:
        content = ContentActivities(sessionmaker)
        accounts = DouyinAccountActivities(sessionmaker)
        publish_store = PublishStoreActivities(sessionmaker)
        calendar = CalendarActivities(sessionmaker)
        metrics_store = MetricsStoreActivities(sessionmaker)
        replication_store = ReplicationStoreActivities(sessionmaker)
        add(
            CONTENT_CENTER,
            activities=[
                content.save_new_content,
                content.save_content_edit,
                accounts.save_douyin_account,
                accounts.save_douyin_profile,
                accounts.deactivate_douyin_accounts,
                publish_store.load_publish_draft,
                publish_store.record_publish_event,
                publish_store.claimed_publish_items,
                calendar.begin_calendar_run,
                calendar.update_calendar_run,
                metrics_store.store_metric_snapshots,
                metrics_store.viral_candidates,
                replication_store.begin_replication,
                replication_store.finish_replication,
            ],
        )
    if DOUYIN_CONNECTOR in services:
        publishing = build_publish_connector(settings, sessionmaker)
        result.closers.append(publishing.aclose)
        douyin = build_douyin_connector(settings, sessionmaker)
        result.closers.append(douyin.aclose)
        metrics = build_metrics_connector(settings, sessionmaker)
        result.closers.append(metrics.aclose)
        add(
            DOUYIN_CONNECTOR,
            activities=[*publishing.registered(), *douyin.account_activities(), *metrics.registered()],
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
    if runner.done() and runner.exception():
        raise runner.exception()  # type: ignore[misc]


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
