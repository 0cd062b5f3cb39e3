"""Start the sandbox (or any ASGI app) on a free local port for tests of any suite.

    async with running_sandbox(SandboxConfig(review_delay=0.2)) as sandbox:
        client = DouyinClient(http, sandbox.base_url, sandbox.config.client_key, ...)
        tokens = await sandbox.issue_tokens(USER_OPEN_ID)

The server runs in its own thread and event loop, so a test that blocks its loop cannot stall it.

Time and growth are the test's to decide (clock.py, items.py):

    start = await sandbox.freeze_clock(time.time() - 3600)  # publish an hour ago, as DouFlow will see it
    ...publish...
    await sandbox.pin_profile(item_id, reach=1000, takes_off=True, boost=6)
    await sandbox.advance_clock(3600)  # the items are an hour old; nothing moves until the next advance
    await sandbox.use_real_time()  # or `reset()`, which also returns the clock to real time

Freeze in the past and advance at most up to the present when DouFlow reads the items: DouFlow measures
an item's age on its own clock from the `create_time` the sandbox reports (see clock.py).
"""

from __future__ import annotations

import asyncio
import base64
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from douyin_sandbox.app import create_app
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.users import SANDBOX_USERS

STARTUP_TIMEOUT = 10.0

# Handy names for the fixed cast (see douyin_sandbox.users).
ENTERPRISE_OPEN_ID = SANDBOX_USERS[0].open_id
PERSONAL_OPEN_ID = SANDBOX_USERS[1].open_id
CUSTOMER_OPEN_ID = SANDBOX_USERS[4].open_id


@asynccontextmanager
async def serve_app(app: ASGIApp, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve `app` with uvicorn on an ephemeral port in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or asyncio.get_running_loop().time() > deadline:
                raise RuntimeError("sandbox server did not start")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
        sock.close()


@dataclass
class RunningSandbox:
    """A live sandbox plus typed shortcuts to its admin API."""

    base_url: str
    config: SandboxConfig

    async def admin(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as http:
            response = await http.request(method, f"/sandbox/admin/{path}", json=json, params=params or None)
        response.raise_for_status()
        return response.json()

    async def _object(self, method: str, path: str, json: Any = None, **params: Any) -> dict[str, Any]:
        answer = await self.admin(method, path, json, **params)
        if not isinstance(answer, dict):
            raise TypeError(f"/sandbox/admin/{path} answered {type(answer).__name__}, not an object")
        return answer

    async def _list(self, method: str, path: str, **params: Any) -> list[dict[str, Any]]:
        answer = await self.admin(method, path, **params)
        if not isinstance(answer, list):
            raise TypeError(f"/sandbox/admin/{path} answered {type(answer).__name__}, not a list")
        return answer

    async def update_config(self, **changes: Any) -> dict[str, Any]:
        return await self._object("POST", "config", changes)

    async def set_faults(self, **faults: Any) -> dict[str, Any]:
        """e.g. `set_faults(busy_ratio=1.0, seed=7)` or `set_faults(expire_tokens=[open_id])`."""
        return await self._object("POST", "faults", faults)

    async def clear_faults(self) -> dict[str, Any]:
        return await self._object("POST", "faults/reset")

    async def issue_tokens(self, open_id: str, scopes: list[str] | None = None) -> dict[str, Any]:
        """Grant the app for `open_id` and return the `/oauth/access_token/` payload, no browser needed."""
        return await self._object("POST", "tokens", {"open_id": open_id, "scopes": scopes})

    async def items(self, open_id: str | None = None) -> list[dict[str, Any]]:
        params = {"open_id": open_id} if open_id else {}
        return await self._list("GET", "items", **params)

    async def users(self) -> list[dict[str, Any]]:
        return await self._list("GET", "users")

    async def deliveries(self, wait: bool = True) -> list[dict[str, Any]]:
        return await self._list("GET", "webhooks/deliveries", wait=str(wait).lower())

    async def reset(self, keep_config: bool = False) -> None:
        """Forget everything the sandbox holds, clear faults, return the clock to real time."""
        await self.admin("POST", "reset", {"keep_config": keep_config})

    async def clock(self) -> dict[str, Any]:
        """`{"now": unix seconds, "frozen": bool, "offset": seconds ahead of real time}`."""
        return await self._object("GET", "clock")

    async def now(self) -> float:
        """The sandbox clock's reading, in unix seconds."""
        return float((await self.clock())["now"])

    async def freeze_clock(self, at: float | datetime | None = None) -> float:
        """Stop the sandbox clock at `at` (unix seconds or an aware datetime), or where it reads now.

        Returns the frozen instant: the `create_time` of every item published until the next advance.
        """
        instant = at.timestamp() if isinstance(at, datetime) else at
        return float((await self.admin("POST", "clock/freeze", {"at": instant}))["now"])

    async def advance_clock(self, seconds: float) -> float:
        """Let `seconds` of sandbox time pass at once (frozen or not); returns the new reading."""
        return float((await self.admin("POST", "clock/advance", {"seconds": seconds}))["now"])

    async def use_real_time(self) -> None:
        """Unfreeze the clock and drop any advance: the sandbox reads real time again."""
        await self.admin("POST", "clock/real")

    async def pin_profile(
        self,
        item_id: str,
        *,
        reach: int | None = None,
        takes_off: bool | None = None,
        boost: int | None = None,
        tau: float | None = None,
    ) -> dict[str, Any]:
        """Decide how the item grows (left-out fields follow its seed); returns its admin view.

        An item saturates towards `reach` plays, times `boost` if it `takes_off`, with time constant
        `tau` seconds of scaled age: items pinned alike and published at one frozen instant have
        statistics in exactly the ratio of their reach × boost.
        """
        profile = {"reach": reach, "takes_off": takes_off, "boost": boost, "tau": tau}
        return await self._object("POST", "item/profile", {"item_id": item_id, **profile})

    async def post_by_hand(
        self, open_id: str, text: str, *, media_type: int = 2, created_at: float | None = None
    ) -> dict[str, Any]:
        """An item the account's owner made in the app, outside the API."""
        body = {"open_id": open_id, "text": text, "media_type": media_type, "created_at": created_at}
        return await self._object("POST", "items", body)

    async def item(self, item_id: str) -> dict[str, Any]:
        return await self._object("GET", "item", item_id=item_id)

    # -- private messages (im_admin.py) ---------------------------------------------------------

    async def im_receive(
        self,
        account_open_id: str,
        text: str = "",
        *,
        from_open_id: str = CUSTOMER_OPEN_ID,
        conversation_id: str | None = None,
        image: bytes | None = None,
    ) -> dict[str, Any]:
        """A customer writes to the account; returns `{msg_id, content}` as the webhook carries it."""
        body = {
            "to_open_id": account_open_id,
            "text": text,
            "from_open_id": from_open_id,
            "conversation_short_id": conversation_id,
            "image_base64": base64.b64encode(image).decode() if image is not None else None,
        }
        return await self._object("POST", "im/receive", body)

    async def im_enter(
        self,
        account_open_id: str,
        *,
        from_open_id: str = CUSTOMER_OPEN_ID,
        conversation_id: str | None = None,
    ) -> dict[str, Any]:
        """A customer opens the chat page; returns `{msg_id, conversation_short_id, server_message_id}`."""
        body = {
            "open_id": account_open_id,
            "from_open_id": from_open_id,
            "conversation_short_id": conversation_id,
        }
        return await self._object("POST", "im/enter", body)

    async def im_app_reply(
        self,
        account_open_id: str,
        text: str,
        *,
        conversation_id: str | None = None,
        to_open_id: str = CUSTOMER_OPEN_ID,
    ) -> dict[str, Any]:
        """A person of the account answers in the Douyin app (echo with an empty `source`)."""
        body = {
            "open_id": account_open_id,
            "text": text,
            "conversation_short_id": conversation_id,
            "to_open_id": to_open_id,
        }
        return await self._object("POST", "im/app_reply", body)

    async def im_card_submit(
        self,
        account_open_id: str,
        card_id: str,
        card_data: list[dict[str, str]],
        *,
        from_open_id: str = CUSTOMER_OPEN_ID,
        conversation_id: str | None = None,
    ) -> dict[str, Any]:
        """A customer submits the account's retain-consult card; returns `{msg_id, content}`."""
        body = {
            "to_open_id": account_open_id,
            "card_id": card_id,
            "card_data": card_data,
            "from_open_id": from_open_id,
            "conversation_short_id": conversation_id,
        }
        return await self._object("POST", "im/card_submit", body)

    async def fan_action(
        self, event: str, account_open_id: str, *, from_open_id: str = CUSTOMER_OPEN_ID
    ) -> dict[str, Any]:
        """A user likes one of the account's videos (`new_video_digg`) or follows it (`new_follow_action`)."""
        body = {"event": event, "open_id": account_open_id, "from_open_id": from_open_id}
        return await self._object("POST", "im/fan_action", body)

    async def im_authorize(self, account_open_id: str, customer_open_id: str = CUSTOMER_OPEN_ID) -> None:
        """The customer allows the account's proactive messages."""
        await self.admin(
            "POST", "im/authorize", {"open_id": account_open_id, "customer_open_id": customer_open_id}
        )

    async def im_messages(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every message of the conversation, both directions, oldest first."""
        return await self._list("GET", "im/messages", conversation_id=conversation_id)

    # -- comments (comment_admin.py) ------------------------------------------------------------

    async def comment(
        self,
        item_id: str,
        text: str,
        *,
        from_open_id: str = CUSTOMER_OPEN_ID,
        reply_to_comment_id: str | None = None,
    ) -> dict[str, Any]:
        """A customer comments on an item; returns `{msg_id, comment_id, content}` as the webhook carries it."""
        body = {
            "item_id": item_id,
            "text": text,
            "from_open_id": from_open_id,
            "reply_to_comment_id": reply_to_comment_id,
        }
        return await self._object("POST", "comments", body)

    async def comments(self, item_id: str) -> list[dict[str, Any]]:
        """Every comment and reply of the item, oldest first (`reply_to_comment_id`, `by_owner`, `source`)."""
        return await self._list("GET", "comments", item_id=item_id)


@asynccontextmanager
async def running_sandbox(config: SandboxConfig | None = None) -> AsyncIterator[RunningSandbox]:
    """Run a fresh sandbox for the duration of the block."""
    config = config or SandboxConfig()
    async with serve_app(create_app(config)) as base_url:
        yield RunningSandbox(base_url=base_url, config=config)
