"""Media upload and publishing through the BFF over HTTP, with tenant isolation."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import TestUser
from tests.support.polling import eventually
from tests.support.publishing import bind_account, mp4_bytes, png_bytes

pytestmark = pytest.mark.timeout(90)
TRAVELLER_OPEN_ID = SANDBOX_USERS[2].open_id
CODER_OPEN_ID = SANDBOX_USERS[3].open_id


async def upload(
    http: httpx.AsyncClient, user: TestUser, data: bytes, name: str, **fields: str
) -> httpx.Response:
    return await http.post("/api/v1/media", files={"file": (name, data)}, data=fields, headers=user.headers)


async def new_image_post(http: httpx.AsyncClient, user: TestUser, topic: str) -> dict[str, Any]:
    response = await http.post(
        "/api/v1/image-posts", json={"topic": topic, "image_count": 2}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
async def account_a(
    bff_url: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox,
    operator: TestUser,
) -> str:  # fmt: skip
    return await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, TRAVELLER_OPEN_ID)


@pytest.fixture(scope="module")
async def account_b(
    bff_url: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox,
    other_tenant_operator: TestUser,
) -> str:  # fmt: skip
    return await bind_account(sessionmaker, settings, sandbox, other_tenant_operator.tenant_id, CODER_OPEN_ID)


async def test_image_and_video_uploads_are_typed_by_their_bytes_and_attached(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    post = await new_image_post(http, operator, "手冲咖啡入门")
    image = await upload(http, operator, png_bytes(120, 80), "photo.mp4", content_id=post["content_id"])
    video = await upload(http, operator, mp4_bytes(200_000), "clip.png")

    assert image.status_code == 201, image.text
    assert video.status_code == 201, video.text
    image_view, video_view = image.json(), video.json()
    assert (image_view["role"], image_view["mime_type"], image_view["width"]) == ("image", "image/png", 120)
    assert image_view["content_id"] == post["content_id"] and image_view["position"] >= 2
    assert (video_view["role"], video_view["size_bytes"], video_view["content_id"]) == (
        "video",
        200_000,
        None,
    )
    served = await http.get(video_view["url"], headers=operator.headers)
    assert served.status_code == 200 and served.content == mp4_bytes(200_000)

    attached = await http.post(
        f"/api/v1/contents/{post['content_id']}/assets",
        json={"asset_ids": [video_view["id"]]},
        headers=operator.headers,
    )
    assert attached.status_code == 200, attached.text
    assert attached.json()[0]["content_id"] == post["content_id"]
    content = (await http.get(f"/api/v1/contents/{post['content_id']}", headers=operator.headers)).json()
    assert {a["role"] for a in content["assets"]} >= {"video", "image"}


async def test_unknown_types_oversize_images_and_missing_files_are_refused(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    text = await upload(http, operator, b"just some text, not media at all", "notes.jpg")
    too_big = await upload(http, operator, png_bytes() + bytes(21 * 1024 * 1024), "huge.png")
    no_file = await http.post(
        "/api/v1/media", data={"caption": "x"}, files={"other": ("a", b"a")}, headers=operator.headers
    )

    assert text.status_code == 415 and "unsupported file type" in text.json()["detail"]
    assert too_big.status_code == 413 and "images may be at most 20 MB" in too_big.json()["detail"]
    assert no_file.status_code == 400 and "'file'" in no_file.json()["detail"]


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` × `height` pixels (what a decompression bomb looks like)."""
    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = bytearray(png_bytes())
    data[8:33] = struct.pack(">I", 13) + header + struct.pack(">I", zlib.crc32(header))
    return bytes(data)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (60_000, 60_000),  # beyond Pillow's error threshold
        (12_000, 12_000),  # 144 megapixels: between Pillow's warning and error thresholds
    ],
)
async def test_an_image_declaring_too_many_pixels_is_refused(
    http: httpx.AsyncClient, operator: TestUser, settings: Settings, width: int, height: int
) -> None:
    bomb = await upload(http, operator, png_declaring(width, height), "bomb.png")

    assert bomb.status_code == 415, bomb.text
    assert "too many pixels" in bomb.json()["detail"]
    assert width * height > settings.max_image_pixels


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04"


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (mp4_bytes(4096, brand=b"qt  "), "video/quicktime"),
        (_box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41") + _box(b"free", b"") + _box(b"mdat", bytes(2048)), "video/mp4"),
        (WEBM_HEAD + bytes(2048), "video/webm"),
    ],
    ids=["mov", "mp4-free-mdat", "webm"],
)  # fmt: skip
async def test_a_video_is_taken_by_its_container_structure(
    http: httpx.AsyncClient, operator: TestUser, data: bytes, mime_type: str
) -> None:
    response = await upload(http, operator, data, "clip.bin")
    assert response.status_code == 201, response.text
    assert (response.json()["role"], response.json()["mime_type"]) == ("video", mime_type)


@pytest.mark.parametrize(
    "data",
    [
        b"<htmftyp<html><script>alert(document.cookie)</script></html>" + bytes(2048),
        _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + _box(b"meta", bytes(64)),  # a HEIF image
        b"\x00\x10\x00\x00ftypisom" + bytes(4096),  # an ftyp box of a megabyte
        _box(b"ftyp", b"isom\x00\x00\x00\x00isom") + b"<html><body>not a box</body></html>",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + bytes(2048),
    ],
    ids=["html", "heif-image", "oversized-ftyp", "no-box-after-ftyp", "matroska-not-webm"],
)
async def test_bytes_that_only_look_like_a_video_are_refused(
    http: httpx.AsyncClient, operator: TestUser, data: bytes
) -> None:
    response = await upload(http, operator, data, "clip.mp4")
    assert response.status_code == 415, response.text
    assert "unsupported file type" in response.json()["detail"]


async def test_every_answer_forbids_sniffing_and_media_names_its_file(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    video = await upload(http, operator, mp4_bytes(10_000), "clip.mp4")
    served = await http.get(video.json()["url"], headers=operator.headers)
    answers = [
        video,
        served,
        await http.get("/api/v1/contents", headers=operator.headers),
        await http.get("/api/v1/contents"),
        await http.get("/api/v1/contents/none", headers=operator.headers),
        await http.get("/healthz"),
    ]

    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * len(answers)
    assert served.headers["content-type"] == "video/mp4"
    assert served.headers["content-disposition"] == f'inline; filename="{video.json()["id"]}.mp4"'


async def test_publish_through_the_api_reaches_published_once(
    http: httpx.AsyncClient, operator: TestUser, sandbox: RunningSandbox, account_a: str
) -> None:
    post = await new_image_post(http, operator, "城市骑行路线")
    before = len(await sandbox.items(TRAVELLER_OPEN_ID))
    body = {"content_id": post["content_id"], "account_ids": [account_a]}

    started = await http.post("/api/v1/publish", json=body, headers=operator.headers)
    again = await http.post("/api/v1/publish", json=body, headers=operator.headers)

    assert started.status_code == 202, started.text
    publish = started.json()["publishes"][0]
    assert publish["workflow_id"] == f"publish-{post['content_id']}-v1-{account_a}"
    assert publish["content_version"] == 1 and publish["occurrence"] == ""
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "already_published" and again.json()["publish_id"] == publish["id"]

    async def probe() -> dict[str, Any]:
        response = await http.get(f"/api/v1/publish/{publish['id']}", headers=operator.headers)
        result: dict[str, Any] = response.json()
        return result

    final = await eventually(probe, lambda p: p["status"] == "published", within=45)
    assert final["status"] == "published", final
    assert final["item_id"] and final["share_url"]
    assert [h["status"] for h in final["history"]][-2:] == ["under_review", "published"]
    listed = await http.get(
        "/api/v1/publish", params={"content_id": post["content_id"]}, headers=operator.headers
    )
    assert [p["id"] for p in listed.json()] == [publish["id"]]
    content = (await http.get(f"/api/v1/contents/{post['content_id']}", headers=operator.headers)).json()
    assert content["status"] == "published"
    assert len(await sandbox.items(TRAVELLER_OPEN_ID)) == before + 1

    repeat = await http.post("/api/v1/publish", json=body, headers=operator.headers)
    assert repeat.status_code == 409 and repeat.json()["publish_id"] == publish["id"]  # not redone
    assert "already published" in repeat.json()["detail"] and final["item_id"] in repeat.json()["detail"]
    assert len(await sandbox.items(TRAVELLER_OPEN_ID)) == before + 1


async def test_other_tenants_cannot_publish_read_or_attach_across_tenants(
    http: httpx.AsyncClient,
    operator: TestUser,
    other_tenant_operator: TestUser,
    viewer: TestUser,
    account_a: str,
    account_b: str,
) -> None:
    post_a = await new_image_post(http, operator, "家庭收纳技巧")
    post_b = await new_image_post(http, other_tenant_operator, "阳台种菜")
    asset_a = (await upload(http, operator, png_bytes(), "a.png")).json()
    started = await http.post(
        "/api/v1/publish",
        json={"content_id": post_a["content_id"], "account_ids": [account_a]},
        headers=operator.headers,
    )
    publish_a = started.json()["publishes"][0]["id"]
    b = other_tenant_operator.headers

    a_content = await http.post(
        "/api/v1/publish", json={"content_id": post_a["content_id"], "account_ids": [account_b]}, headers=b
    )
    a_account = await http.post(
        "/api/v1/publish", json={"content_id": post_b["content_id"], "account_ids": [account_a]}, headers=b
    )
    read = await http.get(f"/api/v1/publish/{publish_a}", headers=b)
    listed = await http.get("/api/v1/publish", params={"content_id": post_a["content_id"]}, headers=b)
    attach = await http.post(
        f"/api/v1/contents/{post_b['content_id']}/assets", json={"asset_ids": [asset_a["id"]]}, headers=b
    )
    upload_to_a = await upload(
        http, other_tenant_operator, png_bytes(), "b.png", content_id=post_a["content_id"]
    )
    as_viewer = await http.post(
        "/api/v1/publish",
        json={"content_id": post_a["content_id"], "account_ids": [account_a]},
        headers=viewer.headers,
    )

    assert (a_content.status_code, a_account.status_code, read.status_code) == (404, 404, 404)
    assert listed.status_code == 200 and listed.json() == []
    assert (attach.status_code, upload_to_a.status_code, as_viewer.status_code) == (404, 404, 403)
