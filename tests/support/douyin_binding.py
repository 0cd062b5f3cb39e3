"""Binding a Douyin account the way a person does: BFF → sandbox consent form → BFF callback."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import httpx

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_CHECKED_SCOPE = re.compile(r'<input type="checkbox" name="scope" value="([^"]+)" checked>')


async def authorize_in_sandbox(authorize_url: str, open_id: str) -> str:
    """Opens the consent page, picks `open_id`, keeps the pre-ticked scopes, submits; returns the redirect."""
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form: dict[str, str | list[str]] = {k: unescape(v) for k, v in _HIDDEN.findall(page.text)}
        form["open_id"] = open_id
        form["scope"] = [unescape(s) for s in _CHECKED_SCOPE.findall(page.text)]
        action = f"{authorize_url.split('/platform/', 1)[0]}/platform/oauth/connect/"
        submitted = await browser.post(action, data=form, follow_redirects=False)
    assert submitted.status_code == 302, submitted.text
    return submitted.headers["location"]


def callback_path(location: str) -> str:
    """The BFF-relative part of Douyin's redirect (PUBLIC_BASE_URL differs from the test BFF's port)."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


async def start_binding(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await http.post("/api/v1/douyin/accounts/bind", headers=headers)
    assert response.status_code == 201, response.text
    url: str = response.json()["authorize_url"]
    return url


async def bind_account(http: httpx.AsyncClient, headers: dict[str, str], open_id: str) -> httpx.Response:
    """The whole flow; returns the BFF's answer to the callback."""
    location = await authorize_in_sandbox(await start_binding(http, headers), open_id)
    return await http.get(callback_path(location))
