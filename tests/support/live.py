"""The BFF's live event stream as a console reads it: a ticket, then `GET /api/v1/events` read frame by frame,
every read bounded by a deadline so a test never hangs on a quiet stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.auth import TestUser


@dataclass(frozen=True)
class Frame:
    event: str
    id: int | None
    data: dict[str, Any]

    @property
    def payload(self) -> dict[str, Any]:
        found: dict[str, Any] = self.data.get("payload", {})
        return found


@dataclass
class Stream:
    response: httpx.Response
    comments: list[str] = field(default_factory=list)
    # What came before `ready` (what a resumed stream had missed), and the id `ready` named.
    backlog: list[Frame] = field(default_factory=list)
    ready_id: int | None = None

    def __post_init__(self) -> None:
        self._lines = self.response.aiter_lines()

    async def next(self, within: float = 30) -> Frame:
        """The next event (comments are kept aside); fails when none comes within `within` seconds."""
        fields: dict[str, str] = {}
        async with asyncio.timeout(within):
            async for line in self._lines:
                if line == "":
                    if "event" in fields or "data" in fields:
                        raw_id = fields.get("id")
                        return Frame(
                            event=fields.get("event", "message"),
                            id=int(raw_id) if raw_id else None,
                            data=json.loads(fields.get("data") or "{}"),
                        )
                    fields = {}
                elif line.startswith(":"):
                    self.comments.append(line[1:].strip())
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
        raise AssertionError("the stream ended")

    async def until(self, check: Callable[[Frame], bool], within: float = 60) -> list[Frame]:
        """Every event up to and including the first that `check` accepts."""
        seen: list[Frame] = []
        async with asyncio.timeout(within):
            while True:
                frame = await self.next(within)
                seen.append(frame)
                if check(frame):
                    return seen

    async def until_each(self, *checks: Callable[[Frame], bool], within: float = 60) -> list[Frame]:
        """Every event until each check accepted one of them (in whichever order they come)."""
        seen: list[Frame] = []
        async with asyncio.timeout(within):
            while not all(any(check(f) for f in seen) for check in checks):
                seen.append(await self.next(within))
        return seen

    async def ended(self, within: float = 30) -> list[str]:
        """The lines left once the server closes the stream."""
        rest: list[str] = []
        async with asyncio.timeout(within):
            async for line in self._lines:
                rest.append(line)
        return rest


async def ticket(http: httpx.AsyncClient, user: TestUser | dict[str, str]) -> str:
    headers = user.headers if isinstance(user, TestUser) else user
    answer = await http.post("/api/v1/events/ticket", headers=headers)
    assert answer.status_code == 200, answer.text
    found: str = answer.json()["ticket"]
    return found


@contextlib.asynccontextmanager
async def open_stream(
    http: httpx.AsyncClient,
    user: TestUser | dict[str, str],
    *,
    last_event_id: int | None = None,
    header: int | None = None,
    ready: bool = True,
) -> AsyncIterator[Stream]:
    """A stream for the user (resumed after `last_event_id` by query or `header` by Last-Event-ID), read past
    its `ready` event unless told otherwise."""
    params: dict[str, str | int] = {"ticket": await ticket(http, user)}
    if last_event_id is not None:
        params["last_event_id"] = last_event_id
    headers = {"Last-Event-ID": str(header)} if header is not None else {}
    async with http.stream("GET", "/api/v1/events", params=params, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        if ready:
            *stream.backlog, ready_frame = await stream.until(lambda f: f.event == "ready", within=30)
            stream.ready_id = ready_frame.id
        yield stream


def kinds(frames: list[Frame]) -> list[str]:
    return [f.event for f in frames]
