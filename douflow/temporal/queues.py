"""The seed's services are Temporal task queues: one name each, with a deployment-wide prefix."""

from __future__ import annotations

ORCHESTRATION = "orchestration"
AGENT_CENTER = "agent-center"
CONTENT_CENTER = "content-center"
DOUYIN_CONNECTOR = "douyin-connector"
SERVICES: tuple[str, ...] = (ORCHESTRATION, AGENT_CENTER, CONTENT_CENTER, DOUYIN_CONNECTOR)


def prefixed(prefix: str, service: str) -> str:
    """The task queue of a service in a deployment whose queues carry `prefix` (tests use one each)."""
    return f"{prefix}{service}"
