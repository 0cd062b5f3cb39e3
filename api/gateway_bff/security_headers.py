"""Headers every answer of the BFF carries, whichever part of it answered."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# nosniff: browsers must take the declared Content-Type as it is, never guess another from the bytes.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
# The API answers data, never a page to render: nothing may load from it or frame it. Pages the server
# renders itself (the console, the material pages, the binding pages) set their own policy.
API_PREFIX = "/api/"
API_HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response, and API_HEADERS to the API's, unless it sets them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = API_HEADERS if scope["path"].startswith(API_PREFIX) else {}

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (SECURITY_HEADERS | extra).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_header)
