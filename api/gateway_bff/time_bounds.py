"""Dates and times the API accepts: wide enough for any plan or report, narrow enough that the
arithmetic on them (a zone's offset, the day after, the period before) stays inside Python's range.

Each is spelled one way, and the OpenAPI document carries that spelling as a pattern that names only
real days of the years 2000-2100 (leap days included), so a client can check a value before sending it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BeforeValidator, TypeAdapter, WithJsonSchema

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

_YEAR = "(?:20[0-9]{2}|2100)"
_LEAP_YEAR = "20(?:[02468][048]|[13579][26])"  # 2000-2096; 2100 is not one
_DAY = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|{_LEAP_YEAR}-02-29)"
)
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_SECONDS = r":[0-5][0-9](?:\.[0-9]{1,6})?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

DATE_PATTERN = f"^{_DAY}$"
# Calendar times: with an offset, or wall-clock time in the entry's (the tenant's) zone.
LOCAL_DATETIME_PATTERN = f"^{_DAY}T{_CLOCK}(?:{_SECONDS})?{_OFFSET}?$"
AWARE_DATETIME_PATTERN = f"^{_DAY}T{_CLOCK}{_SECONDS}{_OFFSET}$"

_When = TypeVar("_When", date, datetime)
_YEARS = f"between the years {EARLIEST_YEAR} and {LATEST_YEAR}"


def _within_years(value: _When) -> _When:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must fall {_YEARS}")
    return value


def _spelled(pattern: str, spelling: str, kind: type[_When]) -> Callable[[object], object]:
    """Reads only what the pattern names, before pydantic's lenient parsing (which takes numbers as Unix
    timestamps) can read it some other way; a strict model then receives the parsed value."""
    compiled = re.compile(pattern)
    parse = TypeAdapter(kind).validate_python

    def check(value: object) -> object:
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(f"must be {spelling}, a real day {_YEARS}")
        return parse(value)

    return check


def _schema(pattern: str, description: str, fmt: str | None = None) -> WithJsonSchema:
    schema = {"type": "string", "pattern": pattern, "description": description}
    return WithJsonSchema(schema | {"format": fmt} if fmt else schema)


BoundedDate = Annotated[
    date,
    BeforeValidator(_spelled(DATE_PATTERN, "YYYY-MM-DD", date)),
    AfterValidator(_within_years),
    _schema(DATE_PATTERN, f"a day {_YEARS}", "date"),
]
BoundedDateTime = Annotated[
    datetime,
    BeforeValidator(_spelled(LOCAL_DATETIME_PATTERN, "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]", datetime)),
    AfterValidator(_within_years),
    _schema(LOCAL_DATETIME_PATTERN, f"a time {_YEARS}: with an offset, or local time in the tenant's zone"),
]
BoundedAwareDateTime = Annotated[
    datetime,
    BeforeValidator(_spelled(AWARE_DATETIME_PATTERN, "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM)", datetime)),
    AfterValidator(_within_years),
    _schema(AWARE_DATETIME_PATTERN, f"a time with an offset, {_YEARS}", "date-time"),
]
