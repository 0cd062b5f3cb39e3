"""Shared test helpers: the browser consent form, small media files and a webhook receiver
(polling: tests.support.polling)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI, Request, Response
from PIL import Image

REDIRECT_URI = "http://127.0.0.1:9/api/v1/douyin/oauth/callback"


async def consent(
    http: httpx.AsyncClient,
    base_url: str,
    open_id: str,
    scopes: list[str],
    *,
    client_key: str = "douflow-dev-key",
    state: str = "st-123",
    redirect_uri: str = REDIRECT_URI,
) -> httpx.Response:
    """Load the consent page, then submit its form the way a browser would (no redirect following)."""
    page = await http.get(
        f"{base_url}/platform/oauth/connect/",
        params={
            "client_key": client_key,
            "response_type": "code",
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        },
    )
    page.raise_for_status()
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action, "consent page has no form"
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    form = hidden | {"open_id": open_id, "scope": scopes}
    return await http.post(f"{base_url}{action.group(1)}", data=form, follow_redirects=False)


def code_from(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["code"][0], query.get("state", [""])[0]


def png_bytes(width: int = 64, height: int = 48, color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def video_file(directory: Path, size: int, name: str = "clip.mp4") -> Path:
    """A fake video with position-dependent bytes, so misordered parts would be detectable."""
    path = directory / name
    path.write_bytes(bytes((i * 7 + i // 251) % 256 for i in range(size)))
    return path


@dataclass
class Receiver:
    base_url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    failures_left: int = 0

    def events(self, name: str) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received if json.loads(body)["event"] == name]


def receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        body = await request.body()
        receiver.received.append((dict(request.headers), body))
        if receiver.failures_left:
            receiver.failures_left -= 1
            return Response(status_code=503)
        payload = json.loads(body)
        if payload["event"] == "verify_webhook":
            return Response(
                json.dumps({"challenge": payload["content"]["challenge"]}), media_type="application/json"
            )
        return Response(status_code=200)

    @app.post("/silent")
    async def silent() -> dict[str, str]:
        return {"ok": "yes"}

    return app
