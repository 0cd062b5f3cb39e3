"""The layout's import rules, checked on the code itself (docs/architecture.md, "Where things live")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Workflow code may not touch the world: no database, HTTP, model SDK or settings in its import tree.
WORKFLOW_ALLOWED = (
    "models",
    "workflows",
    "activities.agent.contract",
    "activities.content.contract",
    "activities.douyin.contract",
    "activities.orchestration.contract",
    "douflow.temporal.errors",
    "douflow.temporal.ids",
    "douflow.temporal.policies",
    "douflow.temporal.queues",
    "douflow.temporal.search",
    "douflow.temporal.summaries",
)
PROJECT = (
    "activities",
    "api",
    "douflow",
    "models",
    "workflows",
    "worker",
    "douyin_sandbox",
    "tests",
    "bench",
)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            yield from ((node.lineno, name) for name in [node.module, *names])


def _violations(package: str, allowed: tuple[str, ...], packages: tuple[str, ...] = ()) -> list[str]:
    """Project imports of `package` outside `allowed` (modules and what is in them); `packages` are
    allowed as bare names only (`from douflow.temporal import ids` names the package and `ids`)."""
    found: list[str] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, name in _imports(path):
            if name.split(".")[0] not in PROJECT or name in packages:
                continue
            if not any(name == a or name.startswith(f"{a}.") for a in allowed):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("api", ("api", "douflow", "models")),
        ("activities", ("activities", "douflow", "models")),
        ("douflow", ("douflow", "models")),
        ("models", ("models",)),
    ],
)
def test_each_layer_imports_only_what_it_may(package: str, allowed: tuple[str, ...]) -> None:
    assert _violations(package, allowed) == []


def test_workflow_code_imports_contracts_and_plain_modules_only() -> None:
    found = [
        v for v in _violations("workflows", WORKFLOW_ALLOWED) if not v.endswith("imports douflow.temporal")
    ]
    assert found == []
    outside = {"sqlalchemy", "httpx", "openai", "authlib", "pydantic_settings", "fastapi"}
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        assert not [n for _, n in _imports(path) if n.split(".")[0] in outside], path
