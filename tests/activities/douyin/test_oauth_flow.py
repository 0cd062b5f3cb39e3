"""The consent URL and DouyinOAuth (authlib) against the sandbox: the URL is the one a person clicks through."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

from activities.douyin.oauth import DouyinOAuth
from douflow.douyin.consent import authorize_url
from douyin_sandbox.testing import PERSONAL_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import REDIRECT_URI, code_from


def test_authorization_url_speaks_douyin():
    url = authorize_url(
        "https://open.douyin.com", "my-key", REDIRECT_URI, ["user_info", "video.create.bind"], "st8",
        {"item.comment": True},
    )  # fmt: skip
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://open.douyin.com/platform/oauth/connect/"
    assert query["client_key"] == ["my-key"] and "client_id" not in query
    assert query["scope"] == ["user_info,video.create.bind"]
    assert query["response_type"] == ["code"] and query["state"] == ["st8"]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert query["optionalScope"] == ["item.comment,1"]


async def test_browser_round_trip(douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient):
    async with DouyinOAuth(
        douyin_sandbox.base_url, "douflow-dev-key", "douflow-dev-secret", REDIRECT_URI
    ) as oauth:
        url = authorize_url(
            douyin_sandbox.base_url, "douflow-dev-key", REDIRECT_URI, ["user_info", "video.list.bind"],
            "round-trip", {"item.comment": False},
        )  # fmt: skip
        page = await douyin_http.get(url)
        assert page.status_code == 200
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        ticked = re.findall(r'name="scope" value="([^"]+)" checked', page.text)
        assert "item.comment" not in ticked and "video.list.bind" in ticked
        submitted = await douyin_http.post(
            f"{douyin_sandbox.base_url}/platform/oauth/connect/",
            data=hidden | {"open_id": PERSONAL_OPEN_ID, "scope": ticked},
        )
        code, state = code_from(submitted)
        assert state == "round-trip"
        token = await oauth.exchange_code(code)
    assert token.open_id == PERSONAL_OPEN_ID and "video.list.bind" in token.scopes
    assert token.union_id and token.refresh_expires_in > 0
