"""The line the worker and `make run` show about which agent provider writes the content (never the key)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from douflow.settings import Settings

# What the OpenAI SDK calls when OPENAI_BASE_URL is unset.
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"


def describe_agent_provider(settings: Settings) -> str:
    if settings.agent_provider == "template":
        return "template (offline writer; set AGENT_PROVIDER=openai to use a model)"
    base_url = public_url(settings.openai_base_url or OPENAI_DEFAULT_BASE_URL)
    return f"openai at {base_url}, model {settings.openai_model}"


def public_url(url: str) -> str:
    """A base URL may carry user:password or a query token; show only scheme, host, port and path."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
