"""`make run` builds the operator console (web/) when its sources changed since the last build.

Two stamps, each the digest of what it was made from: `node_modules/.lock-digest` (package-lock.json:
`npm ci` runs only when it changed) and `<dist>/.source-digest` (every source of the build: `vite build`
runs only when one changed). Without npm the BFF still runs; `/` then says how to build the console.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

log = logging.getLogger("douflow.dev")

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
LOCK_STAMP = Path("node_modules/.lock-digest")
SOURCE_STAMP = ".source-digest"
# What a build reads besides its packages: the code, the page, the configs.
SOURCE_FILES = ("package-lock.json", "package.json", "index.html", "vite.config.ts", "tsconfig.json")
SOURCE_DIRS = ("src", "public")

Runner = Callable[[Sequence[str], Path], None]


def _run(command: Sequence[str], cwd: Path) -> None:
    subprocess.run(list(command), cwd=cwd, check=True)


def _digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def lock_digest(web: Path) -> str:
    """sha256 of package-lock.json, as `make web-deps` writes it with sha256sum."""
    return hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()


def source_digest(web: Path) -> str:
    """One digest of every file the build reads (a renamed, added or removed file changes it too)."""
    files = [web / name for name in SOURCE_FILES if (web / name).is_file()]
    for folder in SOURCE_DIRS:
        if (web / folder).is_dir():
            files.extend(p for p in (web / folder).rglob("*") if p.is_file())
    return _digest(files, web)


def _stamped(stamp: Path, digest: str) -> bool:
    return stamp.is_file() and stamp.read_text().strip() == digest


def build_console(dist: Path, web: Path = WEB_DIR, run: Runner = _run) -> bool:
    """Installs and builds what changed; True when `dist` holds a console built from today's sources."""
    if not (web / "package.json").is_file():
        log.warning("no console sources in %s; the BFF serves the API only", web)
        return False
    if run is _run and shutil.which("npm") is None:
        log.warning(
            "npm not found: the console is not built (install Node.js 20.19+ and npm, then `make web`)"
        )
        return (dist / "index.html").is_file()
    locked = lock_digest(web)
    if not _stamped(web / LOCK_STAMP, locked):
        log.info("installing the console's packages (npm ci)")
        run(["npm", "ci", "--no-audit", "--no-fund"], web)
        (web / LOCK_STAMP).write_text(locked + "\n")
    sources = source_digest(web)
    if _stamped(dist / SOURCE_STAMP, sources) and (dist / "index.html").is_file():
        return True
    log.info("building the console into %s", dist)
    run(["npm", "run", "build", "--", "--outDir", str(dist.resolve()), "--emptyOutDir"], web)
    (dist / SOURCE_STAMP).write_text(sources + "\n")
    return True
