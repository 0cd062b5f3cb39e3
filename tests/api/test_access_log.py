"""Live stream tickets and media link signatures never reach the access log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from api.gateway_bff.access_log import RedactUrlCredentials, redact_url_credentials
from api.gateway_bff.app import create_app
from tests.conftest import make_settings


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50000", "GET", path, "1.1", 200), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/api/v1/events?ticket=eyJ.secret.sig", "/api/v1/events?ticket=[redacted]"),
        ("/api/v1/events?last_event_id=7&ticket=eyJ.x.y", "/api/v1/events?last_event_id=7&ticket=[redacted]"),
        ("/api/v1/events?ticket=eyJ.x.y&last_event_id=7", "/api/v1/events?ticket=[redacted]&last_event_id=7"),
        ("/api/v1/contents?kind=titles", "/api/v1/contents?kind=titles"),
        (
            "/api/v1/media/a1/file?expires=7200&signature=ab12",
            "/api/v1/media/a1/file?expires=7200&signature=[redacted]",
        ),
    ],
)
def test_the_ticket_in_a_logged_path_is_redacted_and_the_rest_kept(path: str, logged: str) -> None:
    record = access_record(path)
    assert RedactUrlCredentials().filter(record) is True
    assert record.getMessage() == f'127.0.0.1:50000 - "GET {logged} HTTP/1.1" 200'


def test_the_app_installs_the_filter_once(tmp_path: Path) -> None:
    logger = logging.getLogger("uvicorn.access")
    for _ in range(2):
        create_app(make_settings(tmp_path, "sqlite+aiosqlite:///:memory:", "127.0.0.1:1"))
    redact_url_credentials()
    assert sum(isinstance(f, RedactUrlCredentials) for f in logger.filters) == 1
