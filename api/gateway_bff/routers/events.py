"""Live updates: a tenant's new messages, conversation states, publish statuses and due tasks as server-sent events.

`EventSource` cannot send an Authorization header, so a bearer first asks for a short-lived ticket naming its
login session, then opens the stream with it in the URL. The stream lives while the session does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.gateway_bff.deps import CurrentUser, StateDep, current_standing
from api.gateway_bff.guarded_route import GuardedRoute, authenticated_by
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.state import BffState
from douflow.live_events import Happened, tenant_events, visible_to
from douflow.security.tokens import InvalidToken, Principal

router = APIRouter(prefix="/api/v1/events", tags=["events"], route_class=GuardedRoute)

BACKLOG_PAGE = 500
REMEMBERED_IDS = 10_000
RETRY_MILLISECONDS = 3000
MAX_EVENT_ID = 2**63 - 1

STREAM_DESCRIPTION = """\
A `text/event-stream` of the caller's tenant, for `new EventSource("/api/v1/events?ticket=...")`. Get the
ticket from `POST /api/v1/events/ticket` (bearer auth); it opens one stream, within `expires_in` seconds.

Each event has an `id` (increasing; send the last one seen as `last_event_id` when opening a new EventSource
with a new ticket, or as the `Last-Event-ID` header, to receive what was missed, kept for
LIVE_EVENTS_RETENTION_HOURS; EventSource's own reconnection reuses the spent ticket and gets a 401), an `event` name (its kind) and `data`, one JSON object:
`{"id", "kind", "subject_id", "at", "payload"}`. Delivery is at least once: dedupe by `id`. Payloads carry
ids and states only, never message text or contact details; read the named resource for more.

| kind | who receives it | payload |
| --- | --- | --- |
| `message` | admin, operator, agent | `conversation_id`, `message_id`, `author` (customer, bot, agent, douyin_app, journey), `status`, `msg_type`, `at`: a message was recorded or its delivery status changed |
| `conversation` | admin, operator, agent | `conversation_id`, `account_id`, `customer_id`, `state` (bot, waiting_human, human, closed), `owner_id` (assignee or null): a conversation opened, changed state or was assigned |
| `publish` | every role | `publish_id`, `content_id`, `account_id`, `status` (publishing, under_review, published, unconfirmed, rejected, failed), `event`, `item_id` |
| `task_due` | the task's owner, admins | `task_id`, `customer_id`, `owner_user_id`, `due_at`: the reminder before a follow-up task is due |
| `task_overdue` | the task's owner, admins | the same: the task passed its due time open |

The stream also sends `ready` (data `{}`, its `id` the point the stream is live from) once what was missed
has been sent, a comment (`: keep-alive`) every LIVE_EVENTS_KEEPALIVE_SECONDS, and `session_ended` just
before it closes because the login session ended (logout, password change, the user disabled, expired).
A bad, expired or used ticket, or an ended session, is a 401: get a new ticket (or log in again).
"""


class StreamTicket(BaseModel):
    ticket: str
    expires_in: int


@router.post("/ticket")
async def ticket(user: CurrentUser, state: StateDep) -> StreamTicket:
    """A short-lived ticket opening the live event stream for this login session (`GET /api/v1/events`)."""
    return StreamTicket(ticket=state.tickets.issue(user), expires_in=state.tickets.ttl_seconds)


async def _ticket_holder(request: Request, state: BffState) -> Principal:
    """The stream's caller, by the ticket in its URL, before anything else about the request is looked at."""
    ticket = request.query_params.get("ticket", "")
    try:
        claimed = state.tickets.redeem(ticket)
    except InvalidToken as exc:
        raise _unauthorized(
            "stream ticket missing, invalid, expired or used; ask POST /api/v1/events/ticket"
        ) from exc
    standing = await current_standing(state, claimed)
    if standing is None:
        raise _unauthorized("session ended; log in again")
    return Principal(
        user_id=claimed.user_id,
        tenant_id=claimed.tenant_id,
        username=standing.username,
        role=standing.role,
        session_id=claimed.session_id,
    )


@router.get(
    "",
    description=STREAM_DESCRIPTION,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}, "description": "The stream"},
        **answers(401),
    },
)
@authenticated_by(_ticket_holder)
async def stream(
    request: Request,
    state: StateDep,
    ticket: Annotated[
        str, Query(min_length=1, max_length=4096, description="from POST /api/v1/events/ticket")
    ],
    last_event_id: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_EVENT_ID,
            description="resume after this id (a new EventSource cannot send the header)",
        ),
    ] = None,
    last_event_header: Annotated[str | None, Header(alias="Last-Event-ID", max_length=32)] = None,
) -> StreamingResponse:
    """The tenant's live events as server-sent events."""
    principal: Principal = request.state.principal
    after = last_event_id
    header = (last_event_header or "").strip()
    if header.isascii() and header.isdigit() and int(header) <= MAX_EVENT_ID:  # '²' is a digit too
        after = int(header)
    return StreamingResponse(
        _events(state, principal, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


class _Seen:
    """The ids a stream sent lately, so an event that came both from the table and the feed goes out once."""

    def __init__(self) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, event_id: int) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > REMEMBERED_IDS:
            self._ids.popitem(last=False)
        return True


def _frame(event: Happened) -> bytes:
    data = {
        "id": event.id,
        "kind": event.kind,
        "subject_id": event.subject_id,
        "at": event.created_at.isoformat(),
        "payload": event.payload,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.kind}\ndata: {text}\n\n".encode()


async def _events(state: BffState, principal: Principal, after: int | None) -> AsyncIterator[bytes]:
    hub = state.live
    feed = await hub.subscribe(principal.tenant_id)
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n".encode()
        seen = _Seen()
        cursor = hub.resume_point() if after is None else after
        while True:
            async with state.sessionmaker() as session:
                missed = await tenant_events(session, principal.tenant_id, cursor, BACKLOG_PAGE)
            for earlier in missed:
                cursor = max(cursor, earlier.id)
                if seen.first_time(earlier.id) and visible_to(earlier, principal.role, principal.user_id):
                    yield _frame(earlier)
            if len(missed) < BACKLOG_PAGE:
                break
        yield f"id: {cursor}\nevent: ready\ndata: {{}}\n\n".encode()
        keepalive = state.settings.live_events_keepalive_seconds
        next_check = time.monotonic() + keepalive
        role = principal.role
        while True:
            wait = next_check - time.monotonic()
            event: Happened | None = None
            if wait > 0:
                try:
                    event = await asyncio.wait_for(feed.queue.get(), wait)
                except TimeoutError:
                    pass
                else:
                    if event is None:
                        return  # fell behind: the client resumes from its Last-Event-ID
            if event is not None:
                if seen.first_time(event.id) and visible_to(event, role, principal.user_id):
                    yield _frame(event)
                continue
            standing = await current_standing(state, principal)
            if standing is None:
                yield b"event: session_ended\ndata: {}\n\n"
                return
            role = standing.role
            yield b": keep-alive\n\n"
            next_check = time.monotonic() + keepalive
    finally:
        hub.unsubscribe(feed)
