"""The rollup rows a period reads: its whole months as month rows, the days around them as day rows; and the
first-response buckets."""

from __future__ import annotations

from datetime import date

import pytest

from douflow.customers.funnel_days import response_bucket
from douflow.customers.funnel_queries import spans


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2026, 11, 3), date(2026, 11, 20), [("day", date(2026, 11, 3), date(2026, 11, 20))]),
        (date(2026, 11, 1), date(2026, 11, 30), [("month", date(2026, 11, 1), date(2026, 11, 30))]),
        (
            date(2025, 12, 3),
            date(2026, 12, 2),
            [
                ("month", date(2026, 1, 1), date(2026, 11, 30)),
                ("day", date(2025, 12, 3), date(2025, 12, 31)),
                ("day", date(2026, 12, 1), date(2026, 12, 2)),
            ],
        ),
        (
            date(2026, 1, 31),
            date(2026, 3, 31),
            [("month", date(2026, 2, 1), date(2026, 3, 31)), ("day", date(2026, 1, 31), date(2026, 1, 31))],
        ),
        (
            date(2026, 2, 1),
            date(2026, 3, 1),
            [("month", date(2026, 2, 1), date(2026, 2, 28)), ("day", date(2026, 3, 1), date(2026, 3, 1))],
        ),
        (date(2026, 2, 15), date(2026, 3, 14), [("day", date(2026, 2, 15), date(2026, 3, 14))]),
    ],
)
def test_a_period_reads_whole_months_and_the_days_around_them(
    first: date, last: date, expected: list[tuple[str, date, date]]
) -> None:
    assert spans(first, last) == expected


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [(0, 5), (5, 5), (6, 10), (59, 60), (60, 60), (61, 90), (3000, 3600), (10**7, 10**9)],
)
def test_first_responses_are_counted_to_the_bound_above(seconds: int, bucket: int) -> None:
    assert response_bucket(seconds) == bucket
