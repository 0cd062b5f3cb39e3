"""Fault switches for business APIs: latency, busy / rate-limit errors and responses lost after commit.

A seed makes a run reproducible. Each endpoint draws from its own seeded stream (and lost replies
from another), so the n-th call of an endpoint meets the same fault whatever other calls ran in
between: concurrent callers may trade faults among themselves, but the faults of the first n calls of
an endpoint are fixed by the seed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from douyin_sandbox.envelopes import EnvelopeStyle, SandboxApiError

logger = logging.getLogger(__name__)

SYSTEM_BUSY = 28001005
API_RETIRED = 28001056
RATE_LIMITED = 28003018

FailMode = Literal["drop", "500", "hang"]


class FaultSettings(BaseModel):
    latency_ms: int = Field(default=0, ge=0)
    busy_ratio: float = Field(default=0.0, ge=0, le=1)
    rate_limit_ratio: float = Field(default=0.0, ge=0, le=1)
    fail_after_commit_ratio: float = Field(default=0.0, ge=0, le=1)
    # drop: headers then a cut connection; 500: a bare server error; hang: answer after `hang_seconds`.
    fail_after_commit_mode: FailMode = "drop"
    hang_seconds: float = Field(default=30.0, ge=0)
    seed: int | None = None
    # A new item shows in `video_list` only this long after it was made (the platform lists late).
    list_lag_seconds: float = Field(default=0.0, ge=0)
    # Endpoints (by name, e.g. "video_list") that answer 28001056 "API retired", as for some apps.
    retired_endpoints: list[str] = Field(default_factory=list)
    # The next n calls of an endpoint are cut off before they do anything (a request that never arrived).
    drop_before_work: dict[str, int] = Field(default_factory=dict)


class FaultUpdate(BaseModel):
    """A partial update of `FaultSettings` plus one-shot actions on grants and tokens."""

    latency_ms: int | None = Field(default=None, ge=0)
    busy_ratio: float | None = Field(default=None, ge=0, le=1)
    rate_limit_ratio: float | None = Field(default=None, ge=0, le=1)
    fail_after_commit_ratio: float | None = Field(default=None, ge=0, le=1)
    fail_after_commit_mode: FailMode | None = None
    hang_seconds: float | None = Field(default=None, ge=0)
    seed: int | None = None
    list_lag_seconds: float | None = Field(default=None, ge=0)
    retired_endpoints: list[str] | None = None
    drop_before_work: dict[str, int] | None = None
    expire_tokens: list[str] = Field(default_factory=list)
    expire_refresh_tokens: bool = False
    remove_scopes: dict[str, list[str]] = Field(default_factory=dict)

    def settings_changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, include=set(FaultSettings.model_fields))


class ResponseDropped(Exception):
    """Raised mid-response so the server cuts the connection, as a lost reply would."""


class DroppedResponse(Response):
    """Starts a 200 response, sends a few bytes and breaks the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"data": {', "more_body": True})
        raise ResponseDropped("sandbox fault: response dropped after commit")


AFTER_COMMIT = "after-commit"


class FaultInjector:
    def __init__(self) -> None:
        self.settings = FaultSettings()
        self._streams: dict[str, random.Random] = {}

    def update(self, changes: dict[str, Any]) -> FaultSettings:
        merged = self.settings.model_dump() | changes
        self.settings = FaultSettings.model_validate(merged)
        if "seed" in changes:
            self._streams.clear()
        logger.info("sandbox faults now %s", self.settings.model_dump())
        return self.settings

    def reset(self) -> None:
        self.settings = FaultSettings()
        self._streams.clear()

    def _draw(self, stream: str) -> float:
        if stream not in self._streams:
            seed = self.settings.seed
            self._streams[stream] = random.Random(None if seed is None else f"{seed}:{stream}")
        return self._streams[stream].random()

    async def before_business_call(self, style: EnvelopeStyle = "classic", endpoint: str = "") -> None:
        """Delay, then maybe refuse the call before it does anything (`endpoint` names its stream)."""
        settings = self.settings
        if settings.latency_ms:
            await asyncio.sleep(settings.latency_ms / 1000)
        if endpoint.rstrip("/").rsplit("/", 1)[-1] in settings.retired_endpoints:
            raise SandboxApiError(API_RETIRED, "该能力API已下线", style=style)
        if settings.busy_ratio or settings.rate_limit_ratio:
            draw = self._draw(endpoint)
            if draw < settings.busy_ratio:
                raise SandboxApiError(SYSTEM_BUSY, style=style)
            if draw < settings.busy_ratio + settings.rate_limit_ratio:
                raise SandboxApiError(RATE_LIMITED, style=style)

    def dropped_before_work(self, endpoint: str) -> bool:
        """Whether this call is one of the next n of `endpoint` that never arrive (counts it down)."""
        left = self.settings.drop_before_work.get(endpoint, 0)
        if left <= 0:
            return False
        self.settings.drop_before_work[endpoint] = left - 1
        logger.info("sandbox fault: %s cut off before doing anything (%d more)", endpoint, left - 1)
        return True

    async def after_commit(self, response: Response) -> Response:
        """The work is done; decide whether the caller gets to hear about it."""
        settings = self.settings
        if (
            not settings.fail_after_commit_ratio
            or self._draw(AFTER_COMMIT) >= settings.fail_after_commit_ratio
        ):
            return response
        logger.info("sandbox fault: losing a committed response (%s)", settings.fail_after_commit_mode)
        if settings.fail_after_commit_mode == "500":
            return PlainTextResponse("Internal Server Error", status_code=500)
        if settings.fail_after_commit_mode == "hang":
            await asyncio.sleep(settings.hang_seconds)
            return response
        return DroppedResponse()
