"""A provider's typed failure as the ApplicationError workflows classify (by type, never by message)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.agent.providers.base import ModelOutputInvalid, ProviderError

T = TypeVar("T")


def to_application_error(exc: ProviderError) -> ApplicationError:
    delay = timedelta(seconds=exc.retry_after_seconds) if exc.retry_after_seconds else None
    return ApplicationError(
        str(exc), type=exc.type_name, non_retryable=not exc.retryable, next_retry_delay=delay
    )


async def typed(call: Awaitable[T]) -> T:
    """Await a provider call, turning its typed error into the ApplicationError workflows classify."""
    try:
        return await call
    except ProviderError as exc:
        activity.logger.warning("%s: %s", exc.type_name, exc)
        raise to_application_error(exc) from exc


def validate(problems: list[str]) -> None:
    """Any provider's result must respect the platform limits before a workflow stores it."""
    if problems:
        raise to_application_error(ModelOutputInvalid("; ".join(problems)))
