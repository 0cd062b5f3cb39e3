"""Logging set-up shared by every entry point."""

from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs full URLs at INFO, and OAuth calls can carry codes in them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
