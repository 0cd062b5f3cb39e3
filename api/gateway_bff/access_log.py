"""Access-log lines without the live stream's tickets: a ticket travels in the URL (`EventSource` sends no
headers) and uvicorn's access log writes the whole query. A ticket opens one stream only, but a log is read
by more people than the tenant."""

from __future__ import annotations

import logging
import re

TICKET = re.compile(r"(?<=[?&]ticket=)[^&\s]*")
REDACTED = "[redacted]"


class RedactTickets(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path with query, version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "ticket=" in args[2]:
            record.args = (*args[:2], TICKET.sub(REDACTED, args[2]), *args[3:])
        return True


def redact_tickets(logger_name: str = "uvicorn.access") -> None:
    """Installs the filter once on the access logger, however many apps the process creates."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactTickets) for f in logger.filters):
        logger.addFilter(RedactTickets())
