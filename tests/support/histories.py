"""Recorded workflow histories: written from a suite run on request, replayed by every CI run.

`make histories` runs the suite with DOUFLOW_RECORD_HISTORIES set; at the end of the session the dev
server's runs of each workflow type are read back and the most telling few are kept under
tests/histories/, so a later change to workflow code is checked against what today's code recorded.
Payloads are written decoded: a readable diff, and no file depends on a payload key.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory

from tests.support.payloads import decode_in_place

log = logging.getLogger(__name__)

HISTORY_DIR = Path(__file__).resolve().parent.parent / "histories"
# Per workflow type and close status, the longest history is kept (it exercises the most code).
PER_STATUS = 1
MAX_BYTES = 400_000
KEPT_STATUSES = (
    WorkflowExecutionStatus.COMPLETED,
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.CONTINUED_AS_NEW,
    WorkflowExecutionStatus.RUNNING,
)


def history_path(directory: Path, workflow_type: str, status: WorkflowExecutionStatus) -> Path:
    return directory / f"{workflow_type}.{status.name.lower()}.json"


async def record_histories(client: Client, workflow_types: list[str], directory: Path) -> list[Path]:
    """Writes the longest history of each (type, status) found on the server; returns the files."""
    written: list[Path] = []
    for workflow_type in workflow_types:
        best: dict[WorkflowExecutionStatus, tuple[int, WorkflowHistory]] = {}
        seen: defaultdict[WorkflowExecutionStatus, int] = defaultdict(int)
        async for execution in client.list_workflows(f"WorkflowType = '{workflow_type}'", limit=300):
            status = execution.status
            if status not in KEPT_STATUSES or seen[status] >= 60:
                continue
            seen[status] += 1
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            history = await handle.fetch_history()
            size = len(history.to_json())
            if size > MAX_BYTES:
                continue
            if status not in best or len(history.events) > best[status][0]:
                best[status] = (len(history.events), history)
        for status, (_, history) in best.items():
            if codec := client.data_converter.payload_codec:
                for event in history.events:
                    await decode_in_place(event, codec)
            path = history_path(directory, workflow_type, status)
            _write(path, history)
            written.append(path)
        if not best:
            log.warning("no run of %s to record", workflow_type)
    return written


def _write(path: Path, history: WorkflowHistory) -> None:
    """Indented, so a re-recorded history shows as a readable diff."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json.loads(history.to_json()), indent=1, ensure_ascii=False) + "\n")
