"""A webhook event's identity and send time, as the platform stamps them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from douflow.douyin.events import identity, sent_at

# The documented log id `20200812141936…` came with `now` 1597213176 (06:19:36 UTC).
DOCUMENTED = datetime(2020, 8, 12, 6, 19, 36, tzinfo=UTC)


def test_identity_ignores_key_order_but_not_any_value() -> None:
    event = {"event": "unauthorize", "log_id": "1", "content": {"scopes": ["a", "b"]}}
    reordered = {"content": {"scopes": ["a", "b"]}, "log_id": "1", "event": "unauthorize"}
    assert identity(event) == identity(reordered)
    assert identity(event) != identity(event | {"log_id": "2"})
    assert identity(event) != identity(event | {"content": {"scopes": ["b", "a"]}})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"log_id": "202008121419360101980821035705926A"}, DOCUMENTED),
        ({"log_id": "", "content": {"create_time": 1597213176393}}, DOCUMENTED.replace(microsecond=393000)),
        ({"content": {"action_time": "1597213176", "create_time": 1}}, DOCUMENTED),
        ({"log_id": "2020-08-12", "content": '{"create_time": 1}'}, None),
        ({"log_id": "20201312000000XYZ", "content": {"create_time": True}}, None),
        ({"content": {"create_time": "soon", "action_time": float("inf")}}, None),
    ],
)
def test_sent_at_reads_the_log_id_then_the_content(
    payload: dict[str, object], expected: datetime | None
) -> None:
    assert sent_at(payload) == expected
