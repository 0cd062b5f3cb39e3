"""Client behaviour the sandbox cannot easily provoke, via httpx.MockTransport: HTTP-level failures,
request shapes, streaming of parts, and tokens kept out of logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from activities.douyin.client import DouyinClient
from activities.douyin.errors import (
    DouyinRateLimited,
    DouyinRejected,
    DouyinTransientError,
    DouyinUnknownOutcome,
)

TOKEN = "act.secret-token-value"
OPEN_ID = "ba253642-0590-40bc-9bdf-9a1334b94059"
OK = {"data": {"error_code": 0, "description": ""}, "extra": {"error_code": 0, "logid": "L"}}


def client_with(handler: Callable[[httpx.Request], httpx.Response], **kwargs: int) -> DouyinClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return DouyinClient(http, "https://open.douyin.test", "key", "shh", **kwargs)


def ok(**data: object) -> httpx.Response:
    return httpx.Response(200, json={"data": OK["data"] | data, "extra": OK["extra"]})


def raising(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    return handler


async def create(client: DouyinClient) -> object:
    return await client.create_video(TOKEN, OPEN_ID, "v0200fabc", "标题")


async def listing(client: DouyinClient) -> object:
    return await client.video_list(TOKEN, OPEN_ID)


@pytest.mark.parametrize(
    ("handler", "call", "expected"),
    [
        (lambda r: httpx.Response(502, text="bad gateway"), listing, DouyinTransientError),
        (lambda r: httpx.Response(502, text="bad gateway"), create, DouyinUnknownOutcome),
        (raising(httpx.ReadTimeout), listing, DouyinTransientError),
        (raising(httpx.ReadTimeout), create, DouyinUnknownOutcome),
        (raising(httpx.RemoteProtocolError), create, DouyinUnknownOutcome),
        (raising(httpx.ConnectError), create, DouyinTransientError),
        (raising(httpx.ConnectTimeout), create, DouyinTransientError),
        (lambda r: httpx.Response(200, text="<html>"), create, DouyinUnknownOutcome),
        (lambda r: httpx.Response(200, text="<html>"), listing, DouyinTransientError),
        (lambda r: httpx.Response(404, text="not found"), listing, DouyinRejected),
    ],
)
async def test_transport_failures(
    handler: Callable[[httpx.Request], httpx.Response], call: Callable[..., object], expected: type[Exception]
):
    with pytest.raises(expected) as caught:
        await call(client_with(handler))  # type: ignore[misc]
    assert type(caught.value) is expected


async def test_http_429_uses_retry_after():
    client = client_with(lambda r: httpx.Response(429, headers={"Retry-After": "7"}))
    with pytest.raises(DouyinRateLimited) as limited:
        await listing(client)
    assert limited.value.retry_after == 7


async def test_request_shapes():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/refresh_token/":
            data = {"access_token": "act.new", "expires_in": "1296000", "open_id": OPEN_ID, "scope": "a,b"}
            return httpx.Response(200, json={"data": data | {"error_code": 0}, "message": "success"})
        if request.url.path == "/oauth/client_token/":
            return httpx.Response(
                200, json={"data": {"access_token": "clt.x", "expires_in": 7200}, "message": "success"}
            )
        return ok(item_id="@i==", video_id=7000000000000000001)

    client = client_with(handler)
    item = await client.create_video(TOKEN, OPEN_ID, "v0200fabc", "标题", at_users=["x"])
    refreshed = await client.refresh_access_token("rft.old")
    await client.client_token()

    create, refresh, client_token = seen
    assert create.url.path == "/api/douyin/v1/video/create_video/"
    assert create.headers["access-token"] == TOKEN and create.url.params["open_id"] == OPEN_ID
    assert json.loads(create.content) == {"video_id": "v0200fabc", "text": "标题", "at_users": ["x"]}
    assert item.video_id == "7000000000000000001"
    form = parse_qs(refresh.content.decode())
    assert form == {"client_key": ["key"], "grant_type": ["refresh_token"], "refresh_token": ["rft.old"]}
    assert refresh.headers["content-type"] == "application/x-www-form-urlencoded"
    assert (
        refreshed.refresh_token == "rft.old"
        and refreshed.expires_in == 1_296_000
        and refreshed.scopes == ["a", "b"]
    )
    assert json.loads(client_token.content)["grant_type"] == "client_credential"


async def test_parts_stream_in_order_from_disk(tmp_path: Path):
    payload = bytes(range(256)) * 40  # 10240 bytes
    path = tmp_path / "v.mp4"
    path.write_bytes(payload)
    parts: dict[int, bytes] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        path_name = request.url.path
        if path_name.endswith("/init_video_part_upload/"):
            return ok(upload_id="@up/+id==")
        if path_name.endswith("/upload_video_part/"):
            assert request.url.params["upload_id"] == "@up/+id=="
            body = request.read()
            boundary = request.headers["content-type"].split("boundary=")[1].encode()
            section = body.split(b"--" + boundary)[1]
            parts[int(request.url.params["part_number"])] = section.split(b"\r\n\r\n", 1)[1][:-2]
            return ok()
        return ok(video={"video_id": "v0200fdone", "width": "1080", "height": 1920})

    client = client_with(handler, simple_upload_threshold=4096, chunk_size=4096)
    uploaded = await client.upload_video(TOKEN, OPEN_ID, path)
    assert sorted(parts) == [1, 2, 3] and b"".join(parts[n] for n in (1, 2, 3)) == payload
    assert len(parts[3]) == 10240 - 2 * 4096
    assert (uploaded.video_id, uploaded.width) == ("v0200fdone", 1080)


async def test_tokens_never_reach_the_logs(caplog: pytest.LogCaptureFixture):
    client = client_with(
        lambda r: httpx.Response(
            200, json={"err_no": 28001008, "err_msg": "expired", "log_id": "L", "data": {}}
        )
    )
    with caplog.at_level(logging.DEBUG, logger="activities.douyin"), pytest.raises(Exception) as caught:
        await client.user_info(TOKEN, OPEN_ID)
    assert TOKEN not in caplog.text and TOKEN not in str(caught.value)
    assert "secret-token" not in repr(await _token_model())


async def _token_model() -> object:
    from activities.douyin.client import OAuthToken

    return OAuthToken(access_token=TOKEN, refresh_token="rft.secret-token", expires_in=1, open_id=OPEN_ID)


async def test_a_malformed_token_reply_is_not_quoted_in_the_error():
    # The refresh reply lacks expires_in: the parse error must not echo the tokens it did carry.
    client = client_with(lambda r: ok(access_token="act.K1"))
    with pytest.raises(ValueError) as caught:
        await client.refresh_access_token("rft.K2")
    assert "K1" not in str(caught.value) and "K2" not in str(caught.value)
