"""Workflow code must replay the histories earlier code recorded (tests/histories/), or change behind patches.

A failure here means a change would break runs already in flight: guard it with `workflow.patched()`
or give the changed flow a new workflow type. `make histories` records new ones from a suite run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

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
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
