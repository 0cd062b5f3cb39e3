"""Dates and times the API accepts: wide enough for any plan or report, narrow enough that the
arithmetic on them (a zone's offset, the day after, the period before) stays inside Python's range."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

_When = TypeVar("_When", date, datetime)


def _within_years(value: _When) -> _When:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must fall between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


BoundedDate = Annotated[date, AfterValidator(_within_years)]
BoundedDateTime = Annotated[datetime, AfterValidator(_within_years)]
