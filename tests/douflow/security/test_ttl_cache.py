"""How long the BFF believes a session check: never past its TTL, never more entries than allowed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from douflow.security.ttl_cache import TtlCache
from douflow.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_exactly_its_ttl() -> None:
    clock = Clock()
    cache: TtlCache[str, str] = TtlCache(5, clock=clock)
    cache.put("s", "admin")
    clock.now += 4.999
    assert cache.get("s") == "admin"
    clock.now += 0.001
    assert cache.get("s") is None


def test_a_zero_ttl_keeps_nothing() -> None:
    cache: TtlCache[str, str] = TtlCache(0, clock=Clock())
    cache.put("s", "admin")
    assert cache.get("s") is None


def test_the_oldest_entries_make_room() -> None:
    cache: TtlCache[str, int] = TtlCache(5, max_entries=2, clock=Clock())
    for n in range(3):
        cache.put(f"s{n}", n)
    assert (cache.get("s0"), cache.get("s1"), cache.get("s2")) == (None, 1, 2)


def test_the_session_check_is_never_trusted_longer_than_five_seconds() -> None:
    with pytest.raises(ValidationError, match="session_check_cache_seconds"):
        Settings(_env_file=None, session_check_cache_seconds=6)  # type: ignore[call-arg]
