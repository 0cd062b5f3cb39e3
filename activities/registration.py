"""Which bound methods a worker registers for a service: every activity its contract declares."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def activities_of(service: object, contract: type) -> list[Callable[..., Any]]:
    """The service's implementation of each public coroutine of its contract (all of them activities)."""
    names = [name for name, member in inspect.getmembers(contract, inspect.iscoroutinefunction)]
    return [getattr(service, name) for name in names if not name.startswith("_")]
