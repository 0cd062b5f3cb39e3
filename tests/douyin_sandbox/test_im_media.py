"""Images and videos in private messages on the sandbox: an image uploaded for IM (`/tool/imagex/client_upload/`)
is sent as msg_type 2 by its media_id, a published item as msg_type 3; ids not of the account are refused."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from activities.douyin.client import DouyinClient
from activities.douyin.errors import DouyinRejected
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, RunningSandbox
from tests.douyin_sandbox.helpers import Receiver, png_bytes
from tests.douyin_sandbox.test_im import code, reply_to, send


async def test_an_uploaded_image_and_a_published_item_are_sent_and_echoed(
    douyin_sandbox: RunningSandbox,
    douyin_client: DouyinClient,
    douyin_http: httpx.AsyncClient,
    enterprise_tokens: dict[str, Any],
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    await douyin_sandbox.freeze_clock(time.time())
    received = await douyin_sandbox.im_receive(ENTERPRISE_OPEN_ID, "有海报吗？")
    token = enterprise_tokens["access_token"]
    picture = tmp_path / "poster.png"
    picture.write_bytes(png_bytes())
    media_id = await douyin_client.upload_im_image(token, ENTERPRISE_OPEN_ID, picture)
    image = await douyin_client.upload_image(token, ENTERPRISE_OPEN_ID, png_bytes(color="blue"))
    item = await douyin_client.create_image_text(token, ENTERPRISE_OPEN_ID, [image.image_id], "新品海报")

    sent_image = await send(
        douyin_http,
        douyin_sandbox,
        token,
        reply_to(received, {"msg_type": 2, "image": {"media_id": media_id}}),
    )
    sent_item = await send(
        douyin_http,
        douyin_sandbox,
        token,
        reply_to(received, {"msg_type": 3, "video": {"item_id": item.item_id}}),
    )
    made_up = await send(
        douyin_http,
        douyin_sandbox,
        token,
        reply_to(received, {"msg_type": 2, "image": {"media_id": "@nope"}}),
    )
    # A publishing image id is not an IM upload.
    wrong_kind = await send(
        douyin_http,
        douyin_sandbox,
        token,
        reply_to(received, {"msg_type": 2, "image": {"media_id": image.image_id}}),
    )

    assert (code(sent_image), code(sent_item)) == (0, 0)
    assert code(made_up) == 28001007 and code(wrong_kind) == 28001007
    shown = await douyin_sandbox.im_messages(received["content"]["conversation_short_id"])
    sent = [m for m in shown if m["direction"] == "sent"]
    assert [(m["msg_type"], m["media_id"], m["item_id"]) for m in sent] == [
        (2, media_id, None),
        (3, None, item.item_id),
    ]
    await douyin_sandbox.deliveries(wait=True)
    echoes = [e["content"] for e in receiver.events("im_send_msg")]
    assert [e["message_type"] for e in echoes] == ["image", "video"] and echoes[1]["item_id"] == item.item_id


async def test_a_file_that_is_no_image_is_refused(
    douyin_client: DouyinClient, enterprise_tokens: dict[str, Any], tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.png"
    bogus.write_bytes(b"not an image at all")
    with pytest.raises(DouyinRejected):
        await douyin_client.upload_im_image(enterprise_tokens["access_token"], ENTERPRISE_OPEN_ID, bogus)
