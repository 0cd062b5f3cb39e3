"""Generation against an OpenAI-compatible model service, including a failing one.

The model service is a local OpenAI-compatible HTTP server (tests.support.openai_server): a remote
model cannot exist offline, so this stands in for it; the real `openai` SDK talks to it over HTTP.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from douflow.db.tables import Content, ContentAsset
from tests.conftest import make_settings
from tests.support.auth import TestUser, user_with_token
from tests.support.openai_server import OpenAIServerHandle, running_openai_server
from tests.support.stack import running_stack


@contextlib.asynccontextmanager
async def model_backed_bff(
    env: WorkflowEnvironment, database_url: str, tmp: Path, model: OpenAIServerHandle, *, images: bool
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        tmp,
        database_url,
        env.client.service_client.config.target_host,
        agent_provider="openai",
        openai_base_url=model.base_url,
        openai_api_key="test-key",
        image_base_url=model.base_url if images else None,
    )
    async with running_stack(env.client, settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=90) as http:
            yield http


@pytest.fixture
async def model() -> AsyncIterator[OpenAIServerHandle]:
    async with running_openai_server() as handle:
        yield handle


async def _user(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], name: str
) -> TestUser:
    return await user_with_token(http, sessionmaker, f"model-{name}", name, "operator")


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: type, tenant_id: str) -> int:
    async with sessionmaker() as session:
        return int(
            await session.scalar(select(func.count()).select_from(table).where(table.tenant_id == tenant_id))
            or 0
        )


async def test_openai_provider_generates_through_the_model_service(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=True) as http:
        user = await _user(http, sessionmaker, "ok")
        titles = await http.post(
            "/api/v1/titles", json={"topic": "露营装备", "count": 4}, headers=user.headers
        )
        assert titles.status_code == 200, titles.text
        assert len(titles.json()["candidates"]) == 4
        post = await http.post(
            "/api/v1/image-posts", json={"topic": "露营装备", "image_count": 2}, headers=user.headers
        )
        assert post.status_code == 200, post.text
        content = (
            await http.get(f"/api/v1/contents/{post.json()['content_id']}", headers=user.headers)
        ).json()
        assert [a["source"] for a in content["assets"]] == ["image_api", "image_api"]
    assert model.requests_seen == 1 + 1 + 2, "one chat call per generation, one image call per image"


async def test_invalid_model_output_is_retried_then_succeeds(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    model.set(invalid_next=1, invalid_mode="schema")
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=False) as http:
        user = await _user(http, sessionmaker, "retry")
        response = await http.post(
            "/api/v1/titles", json={"topic": "健身餐", "count": 3}, headers=user.headers
        )
        assert response.status_code == 200, response.text
    assert model.requests_seen == 2, "the invalid answer was retried once"


async def test_failing_model_fails_the_workflow_with_a_reason_and_saves_nothing(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    model.set(fail_next=1000, fail_status=503)
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=False) as http:
        user = await _user(http, sessionmaker, "down")
        response = await http.post(
            "/api/v1/titles", json={"topic": "理财入门", "count": 3}, headers=user.headers
        )
        assert response.status_code == 502, response.text
        body = response.json()
        assert body["error_type"] == "ModelUnavailable"
        assert body["workflow_id"].startswith("titles-")
        status = (await http.get(f"/api/v1/workflows/{body['workflow_id']}", headers=user.headers)).json()
        assert status["status"] == "failed"
        assert status["error_type"] == "ModelUnavailable"
    assert model.requests_seen == 3, "three attempts under the retry policy"
    assert await _count(sessionmaker, Content, user.tenant_id) == 0


async def test_rejected_model_request_is_not_retried(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    model.set(api_key="the-right-key")
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=False) as http:
        user = await _user(http, sessionmaker, "badkey")
        response = await http.post("/api/v1/video-scripts", json={"topic": "猫粮测评"}, headers=user.headers)
        assert response.status_code == 502
        assert response.json()["error_type"] == "ModelRequestRejected"
    assert model.requests_seen == 1


async def test_failing_image_service_leaves_no_half_saved_post(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=True) as http:
        user = await _user(http, sessionmaker, "noimg")
        model.set(fail_next=1000, fail_status=500)
        response = await http.post(
            "/api/v1/image-posts", json={"topic": "插花入门", "image_count": 2}, headers=user.headers
        )
        assert response.status_code == 502, response.text
    assert await _count(sessionmaker, Content, user.tenant_id) == 0
    assert await _count(sessionmaker, ContentAsset, user.tenant_id) == 0


async def test_endpoint_without_structured_output_generates_in_plain_json_and_says_so_at_start(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.INFO, logger="douflow.worker")
    model.set(refuse_formats=("json_schema", "json_object"))
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=False) as http:
        user = await _user(http, sessionmaker, "plain")
        titles = await http.post(
            "/api/v1/titles", json={"topic": "露营装备", "count": 3}, headers=user.headers
        )
        assert titles.status_code == 200, titles.text
        script = await http.post("/api/v1/video-scripts", json={"topic": "猫粮测评"}, headers=user.headers)
        assert script.status_code == 200, script.text
    assert model.formats_seen() == ["json_schema", "json_object", "prompt", "prompt"], "detected once"
    assert f"agent provider: openai at {model.base_url}, model gpt-4o-mini" in caplog.text
    assert "test-key" not in caplog.text


@pytest.mark.parametrize(
    ("switches", "status", "error_type", "requests"),
    [
        ({"refuse_next": 1}, 200, None, 2),
        ({"truncate_next": 1}, 200, None, 2),
        ({"truncate_next": 1000}, 502, "ModelOutputTruncated", 3),
        ({"refuse_next": 1000}, 502, "ModelRefused", 3),
    ],
)
async def test_refusal_and_truncation_are_retried_a_bounded_number_of_times(
    temporal_env: WorkflowEnvironment, database_url: str, tmp_path: Path, model: OpenAIServerHandle,
    sessionmaker: async_sessionmaker[AsyncSession], switches: dict[str, object], status: int,
    error_type: str | None, requests: int,
) -> None:  # fmt: skip
    model.set(**switches)
    async with model_backed_bff(temporal_env, database_url, tmp_path, model, images=False) as http:
        user = await _user(http, sessionmaker, "cut")
        response = await http.post(
            "/api/v1/titles", json={"topic": "健身餐", "count": 3}, headers=user.headers
        )
        assert response.status_code == status, response.text
        assert response.json().get("error_type") == error_type
    assert model.requests_seen == requests
