"""Loads agent-center data files (rules, formulas, phrase banks) once, so wording is reviewed as data."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """Parse `data/{name}.toml`; cached because the files are immutable at runtime."""
    with (DATA_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
