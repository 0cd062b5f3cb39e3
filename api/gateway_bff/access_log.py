"""Access-log lines without the credentials that travel in URLs, since `EventSource`, `<img>` and `<video>`
send no headers: the live stream's tickets and the media links' signatures. uvicorn's access log writes the
whole query, and a log is read by more people than the tenant."""

from __future__ import annotations

import logging
import re

IN_URL = re.compile(r"([?&](?:ticket|signature)=)[^&\s]*")
REDACTED = "[redacted]"


class RedactUrlCredentials(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path with query, version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "=" in args[2]:
            record.args = (*args[:2], IN_URL.sub(rf"\g<1>{REDACTED}", args[2]), *args[3:])
        return True


def redact_url_credentials(logger_name: str = "uvicorn.access") -> None:
    """Installs the filter once on the access logger, however many apps the process creates."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactUrlCredentials) for f in logger.filters):
        logger.addFilter(RedactUrlCredentials())
