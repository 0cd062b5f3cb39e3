"""Shared test helpers: the browser consent form and small media files (polling: tests.support.polling)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
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
