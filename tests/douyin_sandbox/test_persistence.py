"""A restarted sandbox with a state file keeps grants, tokens and items."""

from __future__ import annotations

from pathlib import Path

import httpx

from activities.douyin.client import DouyinClient
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, running_sandbox
from tests.douyin_sandbox.helpers import video_file


async def test_state_survives_restart(tmp_path: Path):
    config = SandboxConfig(state_file=tmp_path / "state" / "douyin-sandbox.json", review_delay=0)
    async with running_sandbox(config) as first, httpx.AsyncClient() as http:
        tokens = await first.issue_tokens(ENTERPRISE_OPEN_ID)
        client = DouyinClient(http, first.base_url, config.client_key, config.client_secret)
        uploaded = await client.upload_video(
            tokens["access_token"], ENTERPRISE_OPEN_ID, video_file(tmp_path, 400)
        )
        item = await client.create_video(
            tokens["access_token"], ENTERPRISE_OPEN_ID, uploaded.video_id, "重启前"
        )
    saved = config.state_file.read_text(encoding="utf-8") if config.state_file else ""
    assert tokens["access_token"] not in saved and tokens["refresh_token"] not in saved

    async with running_sandbox(config) as second, httpx.AsyncClient() as http:
        client = DouyinClient(http, second.base_url, config.client_key, config.client_secret)
        page = await client.video_list(tokens["access_token"], ENTERPRISE_OPEN_ID)
        assert [listed.item_id for listed in page.items] == [item.item_id]
        assert page.items[0].is_public
        await client.refresh_access_token(tokens["refresh_token"])
        media = await second.admin("GET", "media", digest="true")
        assert media[uploaded.video_id]["sha256"] is not None
