"""Workflow code must replay the histories earlier code recorded (tests/histories/), or change behind patches.

A failure here means a change would break runs already in flight: guard it with `workflow.patched()`
or give the changed flow a new workflow type. `make histories` records new ones from a suite run, decoded
(readable, and independent of any key). They replay through the payload codec, as production does: the
codec passes payloads that are not its own through, so histories written before it existed still replay.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from douflow.temporal.client import data_converter
from douflow.testing.temporal_server import DEV_PAYLOAD_KEYS
from tests.support.histories import HISTORY_DIR
from workflows.registry import WORKFLOWS

HISTORIES = sorted(HISTORY_DIR.glob("*.json"))


def test_every_workflow_type_has_a_recorded_history() -> None:
    recorded = {path.name.split(".")[0] for path in HISTORIES}
    names = {cls.__name__ for cls in WORKFLOWS}  # every workflow is named after its class
    assert names <= recorded, f"no recorded history for {sorted(names - recorded)}"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, json.loads(path.read_bytes()))  # noqa: ASYNC240 (a small file)
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter(DEV_PAYLOAD_KEYS))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
