"""Binding a Douyin account the way a person does: BFF bind link → sandbox consent form → BFF callback.

A browser is an httpx client of its own (its own cookie jar) on the test BFF's address; the links the
BFF hands out name PUBLIC_BASE_URL, so their path is replayed against the test BFF.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from html import unescape
from urllib.parse import urlsplit

import httpx

from douflow.douyin.consent import AUTHORIZE_PATH

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_CHECKED_SCOPE = re.compile(r'<input type="checkbox" name="scope" value="([^"]+)" checked>')


@asynccontextmanager
async def browser(http: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=http.base_url, timeout=30) as client:
        yield client


def bff_path(url: str) -> str:
    """The BFF-relative part of a link (PUBLIC_BASE_URL differs from the test BFF's port)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def open_bind_link(browser: httpx.AsyncClient, bind_link: str) -> httpx.Response:
    """What the browser shows after following the bind link: Douyin's consent page, or the BFF's refusal."""
    opened = await browser.get(bind_link if AUTHORIZE_PATH in bind_link else bff_path(bind_link))
    if opened.is_redirect:
        return await browser.get(opened.headers["location"])
    return opened


async def authorize_in_sandbox(
    browser: httpx.AsyncClient, bind_link: str, open_id: str, untick: Collection[str] = ()
) -> str:
    """Opens the bind link, picks `open_id`, keeps the pre-ticked scopes but `untick`, submits; returns
    Douyin's redirect."""
    page = await open_bind_link(browser, bind_link)
    assert page.status_code == 200, page.text
    form: dict[str, str | list[str]] = {k: unescape(v) for k, v in _HIDDEN.findall(page.text)}
    form["open_id"] = open_id
    form["scope"] = [unescape(s) for s in _CHECKED_SCOPE.findall(page.text) if unescape(s) not in untick]
    consent = str(page.url)
    action = f"{consent.split('/platform/', 1)[0]}{AUTHORIZE_PATH}"
    submitted = await browser.post(action, data=form, follow_redirects=False)
    assert submitted.status_code == 302, submitted.text
    return submitted.headers["location"]


async def start_binding(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await http.post("/api/v1/douyin/accounts/bind", headers=headers)
    assert response.status_code == 201, response.text
    url: str = response.json()["authorize_url"]
    return url


async def bind_account(
    http: httpx.AsyncClient, headers: dict[str, str], open_id: str, untick: Collection[str] = ()
) -> httpx.Response:
    """The whole flow in a fresh browser; returns the BFF's answer to the callback."""
    async with browser(http) as person:
        link = await start_binding(http, headers)
        location = await authorize_in_sandbox(person, link, open_id, untick)
        return await person.get(bff_path(location))
