"""`make run` installs the console's packages when the lockfile changed and builds it when a source did."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from douflow.console_build import LOCK_STAMP, build_console, lock_digest


class FakeNpm:
    """Records the npm commands; a build writes an index.html into the --outDir it is given."""

    def __init__(self) -> None:
        self.commands: list[list[str]] = []

    def __call__(self, command: Sequence[str], cwd: Path) -> None:
        self.commands.append(list(command))
        if command[:3] == ["npm", "run", "build"]:
            out = Path(command[command.index("--outDir") + 1])
            out.mkdir(parents=True, exist_ok=True)
            (out / "index.html").write_text("<!doctype html>")
        if command[:2] == ["npm", "ci"]:
            (cwd / "node_modules").mkdir(exist_ok=True)

    def kinds(self) -> list[str]:
        kinds = [" ".join(c[:2]) for c in self.commands]
        self.commands.clear()
        return kinds


@pytest.fixture
def web(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "src").mkdir(parents=True)
    (web / "package.json").write_text("{}")
    (web / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (web / "index.html").write_text("<div id=root></div>")
    (web / "src" / "main.tsx").write_text("export {}")
    return web


def test_first_run_installs_and_builds_then_nothing_until_something_changes(
    web: Path, tmp_path: Path
) -> None:
    npm, dist = FakeNpm(), tmp_path / "dist"
    assert build_console(dist, web, npm)
    assert npm.kinds() == ["npm ci", "npm run"]
    assert (dist / "index.html").is_file()

    assert build_console(dist, web, npm)
    assert npm.kinds() == []

    (web / "src" / "main.tsx").write_text("export const changed = 1")
    assert build_console(dist, web, npm)
    assert npm.kinds() == ["npm run"]

    (web / "src" / "pages").mkdir()
    (web / "src" / "pages" / "new.tsx").write_text("export {}")
    build_console(dist, web, npm)
    assert npm.kinds() == ["npm run"]

    (web / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    build_console(dist, web, npm)
    assert npm.kinds() == ["npm ci", "npm run"]


def test_a_removed_dist_is_built_again(web: Path, tmp_path: Path) -> None:
    npm, dist = FakeNpm(), tmp_path / "dist"
    build_console(dist, web, npm)
    (dist / "index.html").unlink()
    npm.kinds()
    build_console(dist, web, npm)
    assert npm.kinds() == ["npm run"]


def test_the_lock_stamp_is_what_make_writes_with_sha256sum(web: Path) -> None:
    expected = hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()
    assert lock_digest(web) == expected
    (web / "node_modules").mkdir()
    (web / LOCK_STAMP).write_text(expected + "\n")
    npm = FakeNpm()
    build_console(web.parent / "dist", web, npm)
    assert npm.kinds() == ["npm run"]


def test_no_sources_means_no_console(tmp_path: Path) -> None:
    npm = FakeNpm()
    assert not build_console(tmp_path / "dist", tmp_path / "nothing", npm)
    assert npm.commands == []
