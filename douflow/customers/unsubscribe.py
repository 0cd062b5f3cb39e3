"""Whether a customer's message asks for no more messages (退订, 别发了, ...), from `data/unsubscribe.toml`."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PHRASES_FILE = Path(__file__).resolve().parents[1] / "data" / "unsubscribe.toml"
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Phrases:
    anywhere: tuple[str, ...]
    whole: frozenset[str]
    excluded: tuple[str, ...]


@lru_cache(maxsize=1)
def phrases() -> Phrases:
    data = tomllib.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    whole = frozenset(_fold(p) for p in data.get("whole_only", []))
    found = tuple(_fold(p) for p in data["phrases"] if _fold(p) not in whole)
    return Phrases(anywhere=found, whole=whole, excluded=tuple(_fold(p) for p in data.get("not", [])))


def _fold(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def wants_no_more(text: str) -> bool:
    """True when the message asks to stop receiving messages."""
    folded = _fold(text)
    if not folded:
        return False
    known = phrases()
    if any(p in folded for p in known.excluded):
        return False
    return folded in known.whole or any(p in folded for p in known.anywhere)
