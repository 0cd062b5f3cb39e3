"""Outgoing webhook deliveries, signed and retried the way the platform does it."""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import BaseModel

from douyin_sandbox import ids
from douyin_sandbox.config import SandboxConfig

logger = logging.getLogger(__name__)

# The platform sends these events' `content` as a JSON-encoded string instead of an object.
STRING_CONTENT_EVENTS = frozenset({"im_enter_direct_msg", "new_video_digg", "new_follow_action"})


def signature(secret: str, body: bytes) -> str:
    """Lower-hex sha1(client_secret ‖ raw body): no HMAC, no separator."""
    return hashlib.sha1(secret.encode() + body).hexdigest()


class Delivery(BaseModel):
    msg_id: str
    event: str
    target: str
    attempts: int = 0
    status_code: int | None = None
    delivered: bool = False
    error: str | None = None
    finished_at: float | None = None


class WebhookSender:
    """Fire-and-forget deliveries; each target gets its own task and retry schedule."""

    def __init__(self, config: Callable[[], SandboxConfig], now: Callable[[], float]) -> None:
        self._config = config
        self._now = now
        self._http = httpx.AsyncClient()
        self._tasks: set[asyncio.Task[None]] = set()
        self.deliveries: collections.deque[Delivery] = collections.deque(maxlen=500)

    def build_body(self, event: str, content: Any, *, from_user_id: str = "", to_user_id: str = "") -> bytes:
        if event in STRING_CONTENT_EVENTS and not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        envelope = {
            "event": event,
            "client_key": self._config().client_key,
            "from_user_id": from_user_id,
            "to_user_id": to_user_id,
            "log_id": ids.log_id(self._now()),
            "content": content,
        }
        return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()

    def emit(self, event: str, content: Any, *, from_user_id: str = "", to_user_id: str = "") -> str:
        """Queue `event` for every configured target; returns the Msg-Id shared by all retries."""
        body = self.build_body(event, content, from_user_id=from_user_id, to_user_id=to_user_id)
        msg_id = uuid.uuid4().hex
        for target in self._config().webhook_targets:
            delivery = Delivery(msg_id=msg_id, event=event, target=target)
            self.deliveries.append(delivery)
            task = asyncio.create_task(self._deliver(delivery, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return msg_id

    async def _deliver(self, delivery: Delivery, body: bytes) -> None:
        config = self._config()
        for attempt in range(config.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(config.webhook_backoff * 2 ** (attempt - 1))
            delivery.attempts = attempt + 1
            try:
                response = await self._post(delivery.target, body, delivery.msg_id, config)
            except httpx.HTTPError as exc:
                delivery.error = type(exc).__name__
                continue
            delivery.status_code = response.status_code
            if response.status_code == 200:
                delivery.delivered, delivery.error = True, None
                break
            delivery.error = f"HTTP {response.status_code}"
        delivery.finished_at = self._now()
        if not delivery.delivered:
            logger.warning("webhook %s to %s failed: %s", delivery.event, delivery.target, delivery.error)

    async def _post(self, target: str, body: bytes, msg_id: str, config: SandboxConfig) -> httpx.Response:
        headers = {
            "Content-Type": "application/json",
            "X-Douyin-Signature": signature(config.client_secret, body),
            "Msg-Id": msg_id,
        }
        return await self._http.post(target, content=body, headers=headers, timeout=config.webhook_timeout)

    async def verify(self, target: str) -> dict[str, Any]:
        """Run the `verify_webhook` handshake once and report whether the challenge came back."""
        config = self._config()
        challenge = ids.challenge()
        # The console's check names no app, as the platform's documented sample shows.
        body = json.dumps(
            {"event": "verify_webhook", "client_key": "", "content": {"challenge": challenge}}
        ).encode()
        result: dict[str, Any] = {"target": target, "challenge": challenge, "verified": False}
        try:
            response = await self._post(target, body, uuid.uuid4().hex, config)
        except httpx.HTTPError as exc:
            return result | {"error": type(exc).__name__}
        result["status_code"] = response.status_code
        try:
            echoed = response.json().get("challenge")
        except (ValueError, AttributeError):
            echoed = None
        result["echoed"] = echoed
        result["verified"] = response.status_code == 200 and str(echoed) == str(challenge)
        return result

    async def drain(self) -> None:
        """Wait for in-flight deliveries (admin and tests use it to observe outcomes)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks))

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self._http.aclose()
