"""Workflows and activities agree on types: mypy checks every call against the service's contract.

A workflow calls an activity by method reference (`calls.content(ContentCenter.save_new_content, ...)`),
so passing the wrong input, or expecting the wrong output, is a type error before anything runs.
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy_api
from temporalio import activity

from activities.agent.activities import AgentActivities
from activities.agent.contract import AgentCenter
from activities.content.activities import ContentActivities
from activities.content.contract import ContentCenter
from activities.douyin.activities import DouyinActivities
from activities.douyin.contract import DouyinConnector
from activities.orchestration.activities import OrchestrationActivities
from activities.orchestration.contract import Orchestration

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = [
    (AgentCenter, AgentActivities),
    (ContentCenter, ContentActivities),
    (DouyinConnector, DouyinActivities),
    (Orchestration, OrchestrationActivities),
]

WORKFLOW = """
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from douflow.temporal import policies
    from models.content import ContentEdit, SavedContent
    from workflows import calls


@workflow.defn
class EditWorkflow:
    @workflow.run
    async def run(self, edit: ContentEdit) -> SavedContent:
        {call}
"""
RIGHT = "return await calls.content(ContentCenter.save_content_edit, edit, policies.CONTENT_WRITE)"
WRONG_INPUT = "return await calls.content(ContentCenter.save_new_content, edit, policies.CONTENT_WRITE)"
WRONG_OUTPUT = "return await calls.content(ContentCenter.load_publish_draft, edit, policies.CONTENT_WRITE)"
WRONG_SERVICE = "return await calls.douyin(ContentCenter.save_content_edit, edit, policies.CONTENT_WRITE)"


def _mypy(tmp_path: Path, call: str) -> tuple[str, int]:
    source = tmp_path / "edit_workflow.py"
    source.write_text(textwrap.dedent(WORKFLOW).replace("{call}", call))
    stdout, _, status = mypy_api.run(
        [
            str(source),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--no-error-summary",
        ]
    )
    return stdout, status


@pytest.mark.timeout(300)
def test_mypy_rejects_a_workflow_that_calls_an_activity_with_the_wrong_types_or_service(
    tmp_path: Path,
) -> None:
    out, status = _mypy(tmp_path, RIGHT)
    assert status == 0, out
    out, status = _mypy(tmp_path, WRONG_INPUT)
    assert status == 1 and '"content" has incompatible type' in out, out
    assert "NewContent" in out and "ContentEdit" in out, out
    out, status = _mypy(tmp_path, WRONG_OUTPUT)
    assert status == 1 and '"content" has incompatible type' in out and "PublishDraft" in out, out
    out, status = _mypy(tmp_path, WRONG_SERVICE)
    assert status == 1 and '"douyin" has incompatible type' in out and "DouyinConnector" in out, out


@pytest.mark.parametrize(("contract", "implementation"), CONTRACTS, ids=lambda c: c.__name__)
def test_each_service_implements_every_activity_of_its_contract(contract: type, implementation: type) -> None:
    declared = dict(inspect.getmembers(contract, inspect.iscoroutinefunction))
    assert declared, f"{contract.__name__} declares no activity"
    for name, stub in declared.items():
        assert activity._Definition.from_callable(stub) is not None, f"{contract.__name__}.{name}"
        implemented = getattr(implementation, name)
        assert implemented is not stub, f"{implementation.__name__} does not implement {name}"
        definition = activity._Definition.from_callable(implemented)
        assert definition is not None and definition.name == name, f"{implementation.__name__}.{name}"
