"""Seed features 1-4 end to end: BFF over HTTP → Temporal workflows → agent-center → content-center."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
from PIL import Image

from douflow.platforms import rules_for
from tests.support.auth import TestUser
from tests.support.polling import eventually

TOPIC = "敏感肌春季护肤"


async def test_titles_are_generated_and_saved_as_a_draft(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/titles",
        json={"topic": TOPIC, "platform": "douyin", "count": 6, "keywords": ["修护"], "audience": "上班族"},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert "candidates" in result, result
    candidates = result["candidates"]
    assert len(candidates) == 6
    assert len({c["text"] for c in candidates}) == 6, "candidates must be distinct"
    assert all(len(c["text"]) <= 30 for c in candidates), "Douyin titles are at most 30 characters"
    assert len({c["formula"] for c in candidates}) >= 3, "several title formulas"
    assert any("敏感肌" in c["text"] or "护肤" in c["text"] for c in candidates)
    assert result["workflow_id"].startswith(f"titles-{operator.tenant_id}-")

    content = (await http.get(f"/api/v1/contents/{result['content_id']}", headers=operator.headers)).json()
    assert content["status"] == "draft"
    assert content["kind"] == "titles"
    assert content["version"] == 1
    assert [c["text"] for c in content["body"]["candidates"]] == [c["text"] for c in candidates]
    assert content["body"]["request"]["topic"] == TOPIC


async def test_max_length_is_respected(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/titles",
        json={"topic": "三十天健身计划", "platform": "xiaohongshu", "count": 5, "max_length": 12},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    assert all(len(c["text"]) <= 12 for c in response.json()["candidates"])


async def test_a_retried_request_generates_once(http: httpx.AsyncClient, operator: TestUser) -> None:
    body = {"topic": "露营装备清单", "count": 3}
    headers = {**operator.headers, "Idempotency-Key": "retry-test-0001"}
    first, second = await asyncio.gather(
        http.post("/api/v1/titles", json=body, headers=headers),
        http.post("/api/v1/titles", json=body, headers=headers),
    )
    third = await http.post("/api/v1/titles", json=body, headers=headers)
    assert first.status_code == second.status_code == third.status_code == 200
    ids = {r.json()["content_id"] for r in (first, second, third)}
    assert len(ids) == 1
    listing = (await http.get("/api/v1/contents?kind=titles&limit=200", headers=operator.headers)).json()
    assert sum(1 for item in listing["items"] if item["topic"] == "露营装备清单") == 1


async def test_copy_for_five_platforms_follows_each_platforms_rules(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    platforms = ["douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou"]
    response = await http.post(
        "/api/v1/copywriting",
        json={"topic": "家用咖啡机选购", "platforms": platforms, "keywords": ["咖啡"], "tone": "专业"},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    copies = {c["platform"]: c for c in response.json()["copies"]}
    assert sorted(copies) == sorted(platforms)
    assert len(copies["douyin"]["title"]) <= 30
    assert len(copies["xiaohongshu"]["title"]) <= 20
    assert len(copies["xiaohongshu"]["hashtags"]) <= 10
    assert len(copies["kuaishou"]["hashtags"]) <= 3
    assert copies["wechat_mp"]["hashtags"] == []
    assert len(copies["wechat_mp"]["body"]) > len(copies["douyin"]["body"]), "an article is longer"
    assert all(tag.startswith("#") and tag.endswith("#") for tag in copies["weibo"]["hashtags"])
    assert all("咖啡" in c["title"] + c["body"] for c in copies.values())
    bodies = {c["body"] for c in copies.values()}
    assert len(bodies) == 5, "each platform gets its own copy"


async def test_image_post_has_copy_descriptions_and_rendered_images(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    response = await http.post(
        "/api/v1/image-posts",
        json={"topic": "周末亲子烘焙", "image_count": 3, "platform": "xiaohongshu"},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["post"]["body"]
    assert len(result["images"]) == 3
    assert len({i["description"] for i in result["images"]}) == 3
    for image in result["images"]:
        media = await http.get(image["url"], headers=operator.headers)
        assert media.status_code == 200
        assert media.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(media.content))
        assert picture.size[0] >= 512 and picture.size[1] >= 512
    content = (await http.get(f"/api/v1/contents/{result['content_id']}", headers=operator.headers)).json()
    assert [a["role"] for a in content["assets"]] == ["cover", "image", "image"]
    assert all(a["source"] == "local_cover" for a in content["assets"])


async def test_video_script_is_structured_and_adds_up(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/video-scripts",
        json={"topic": "三分钟学会手冲咖啡", "script_type": "tutorial", "duration_seconds": 45},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    script = response.json()["script"]
    assert script["hook"]["duration_seconds"] <= 3
    assert script["call_to_action"]
    shots = script["shots"]
    assert [s["index"] for s in shots] == list(range(1, len(shots) + 1))
    total = script["hook"]["duration_seconds"] + sum(s["duration_seconds"] for s in shots)
    assert abs(script["total_duration_seconds"] - 45) <= 1
    assert abs(total - 45) <= 1 or abs(sum(s["duration_seconds"] for s in shots) - 45) <= 1
    for shot in shots:
        assert shot["shot_size"] and shot["camera_movement"] and shot["visual"] and shot["line"]


async def test_async_form_start_then_poll(http: httpx.AsyncClient, operator: TestUser) -> None:
    response = await http.post(
        "/api/v1/video-scripts?wait=false",
        json={"topic": "新手养猫避坑", "script_type": "talking_head", "duration_seconds": 30},
        headers=operator.headers,
    )
    assert response.status_code == 202, response.text
    workflow_id = response.json()["workflow_id"]

    async def status_of() -> dict[str, Any]:
        response = await http.get(f"/api/v1/workflows/{workflow_id}", headers=operator.headers)
        body: dict[str, Any] = response.json()
        return body

    status = await eventually(status_of, lambda s: s["status"] != "running")
    assert status["status"] == "completed", status
    content_id = status["result"]["content_id"]
    content = await http.get(f"/api/v1/contents/{content_id}", headers=operator.headers)
    assert content.json()["kind"] == "video_script"


async def test_platform_rules_are_readable_by_any_user_and_match_what_generation_uses(
    http: httpx.AsyncClient, viewer: TestUser
) -> None:
    response = await http.get("/api/v1/platforms", headers=viewer.headers)
    assert response.status_code == 200, response.text
    rules = {r["platform"]: r for r in response.json()}
    assert set(rules) == {"douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou"}
    assert rules["xiaohongshu"]["title_max"] == rules_for("xiaohongshu").title_max
    assert rules["douyin"]["body_max"] == rules_for("douyin").body_max
    assert (await http.get("/api/v1/platforms")).status_code == 401
