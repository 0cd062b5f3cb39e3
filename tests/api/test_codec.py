"""Temporal holds payloads encrypted; the BFF's codec endpoint shows them to the platform's staff only."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from api.gateway_bff.schemas.codec import CodecPayload
from douflow.settings import Settings
from douflow.temporal.client import data_converter
from douflow.temporal.codec import ENCODING, KEY_ID, SERVER_PATH, is_encrypted
from douflow.testing.temporal_server import DEV_PAYLOAD_KEYS
from tests.support.auth import TestUser, user_with_token
from tests.support.histories import record_histories
from tests.support.payloads import payloads_in
from tests.support.polling import eventually
from workflows.registry import WORKFLOWS

TOPIC = "加密验证：手冲咖啡的三个误区"
UI_ORIGIN = "http://127.0.0.1:8233"
REPLAYER = Replayer(workflows=WORKFLOWS, data_converter=data_converter(DEV_PAYLOAD_KEYS))


def leaks(text: str, data: bytes) -> bool:
    """The text in the bytes, as UTF-8 or JSON-escaped."""
    return text.encode() in data or json.dumps(text).strip('"').encode() in data


@pytest.fixture(scope="module")
async def raw_client(temporal_address: str) -> AsyncIterator[Client]:
    """A client without the codec: what anyone reading the Temporal server directly gets."""
    yield await Client.connect(temporal_address)


@pytest.fixture(scope="module")
async def titles_run(http: httpx.AsyncClient, operator: TestUser) -> dict[str, Any]:
    response = await http.post("/api/v1/titles", json={"topic": TOPIC, "count": 3}, headers=operator.headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
async def history(raw_client: Client, titles_run: dict[str, Any]) -> WorkflowHistory:
    return await raw_client.get_workflow_handle(titles_run["workflow_id"]).fetch_history()


@pytest.fixture(scope="module")
async def platform_admin(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> TestUser:
    assert settings.codec_tenant is not None
    return await user_with_token(http, sessionmaker, settings.codec_tenant, "codec-admin", "admin")


@pytest.fixture(scope="module")
async def platform_viewer(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> TestUser:
    assert settings.codec_tenant is not None
    return await user_with_token(http, sessionmaker, settings.codec_tenant, "codec-viewer", "viewer")


def stored(history: WorkflowHistory) -> list[tuple[str, Payload]]:
    """Every payload of the history but search attributes, which no codec touches."""
    found = [
        (w, p) for event in history.events for w, p in payloads_in(event) if "search_attributes" not in w
    ]
    assert found, "the history holds payloads"
    return found


def as_json(payloads: list[Payload]) -> dict[str, Any]:
    return {"payloads": [CodecPayload.of(p).model_dump() for p in payloads]}


async def test_a_run_started_through_the_bff_is_stored_encrypted(
    history: WorkflowHistory, raw_client: Client, titles_run: dict[str, Any], settings: Settings
) -> None:
    for where, payload in stored(history):
        assert is_encrypted(payload), f"{where} is stored in clear: {payload.metadata}"
        assert payload.metadata[KEY_ID] == settings.payload_key_id.encode()
        assert not leaks(TOPIC, payload.data), where
        assert not any(candidate["text"].encode() in payload.data for candidate in titles_run["candidates"])
    with pytest.raises(Exception, match="encoding"):
        await raw_client.get_workflow_handle(titles_run["workflow_id"]).result()


async def test_ids_and_search_attributes_carry_ids_and_the_summary_is_encrypted(
    raw_client: Client, titles_run: dict[str, Any], operator: TestUser, history: WorkflowHistory
) -> None:
    async def listed() -> list[Any]:
        return [run async for run in raw_client.list_workflows(f"TenantId = '{operator.tenant_id}'")]

    # The server's visibility list catches up with a finished run a moment later under load.
    runs = await eventually(listed, lambda found: titles_run["workflow_id"] in {run.id for run in found})
    texts = [TOPIC, *(candidate["text"] for candidate in titles_run["candidates"])]
    for run in runs:
        readable = [run.id, *(str(pair.value) for pair in run.typed_search_attributes)]
        assert not any(text in value for text in texts for value in readable), readable
    started = history.events[0].workflow_execution_started_event_attributes
    assert history.events[0].user_metadata.HasField("summary")
    assert is_encrypted(history.events[0].user_metadata.summary)
    assert started.workflow_type.name == "TitleGenerationWorkflow"


async def test_the_codec_endpoint_decodes_for_the_platform_staff(
    http: httpx.AsyncClient, platform_admin: TestUser, history: WorkflowHistory, settings: Settings
) -> None:
    headers = {**platform_admin.headers, "X-Namespace": settings.temporal_namespace}
    summary = history.events[0].user_metadata.summary
    response = await http.post(f"{SERVER_PATH}/decode", json=as_json([summary]), headers=headers)
    assert response.status_code == 200, response.text
    decoded = response.json()["payloads"][0]
    assert _b64(decoded["metadata"]["encoding"]) == b"json/plain"
    assert json.loads(_b64(decoded["data"])) == f"Titles: {TOPIC}"

    clear = {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "InBob25lIDEzODAwMDAwMDAwIg=="}
    encoded = await http.post(f"{SERVER_PATH}/encode", json={"payloads": [clear]}, headers=headers)
    assert encoded.status_code == 200, encoded.text
    sealed = encoded.json()["payloads"][0]
    assert _b64(sealed["metadata"]["encoding"]) == ENCODING and "data" in sealed
    back = await http.post(f"{SERVER_PATH}/decode", json={"payloads": [sealed, clear]}, headers=headers)
    assert back.json()["payloads"] == [clear, clear]


async def test_the_codec_endpoint_refuses_everyone_else(
    http: httpx.AsyncClient,
    history: WorkflowHistory,
    platform_admin: TestUser,
    platform_viewer: TestUser,
    admin: TestUser,
    operator: TestUser,
) -> None:
    body = as_json([stored(history)[0][1]])
    decode = f"{SERVER_PATH}/decode"
    assert (await http.post(decode, json=body)).status_code == 401
    assert (await http.post(f"{SERVER_PATH}/encode", json=body)).status_code == 401
    for customer in (platform_viewer, admin, operator):  # a viewer; another tenant's admin and operator
        refused = await http.post(decode, json=body, headers=customer.headers)
        assert refused.status_code == 403, (customer.username, refused.text)
    other_namespace = {**platform_admin.headers, "X-Namespace": "someone-else"}
    refused = await http.post(decode, json=body, headers=other_namespace)
    assert refused.status_code == 403 and "namespace" in refused.json()["detail"]


async def test_payloads_the_keys_cannot_open_or_that_are_not_base64_are_refused(
    http: httpx.AsyncClient, platform_admin: TestUser, history: WorkflowHistory
) -> None:
    payload = Payload()
    payload.CopyFrom(stored(history)[0][1])
    payload.metadata[KEY_ID] = b"retired"
    unknown = await http.post(
        f"{SERVER_PATH}/decode", json=as_json([payload]), headers=platform_admin.headers
    )
    assert unknown.status_code == 400 and "'retired'" in unknown.json()["detail"]
    garbage = {"payloads": [{"metadata": {"encoding": "%%%"}, "data": ""}]}
    bad = await http.post(f"{SERVER_PATH}/decode", json=garbage, headers=platform_admin.headers)
    assert bad.status_code == 422 and "base64" in bad.json()["detail"]
    assert bad.json()["errors"][0]["field"] == "payloads.0.metadata.encoding"


async def test_the_temporal_ui_decodes_with_a_session_cookie_from_its_origin(
    bff_url: str, platform_admin: TestUser, history: WorkflowHistory
) -> None:
    body = as_json([stored(history)[0][1]])
    async with httpx.AsyncClient(base_url=bff_url) as browser:
        opened = await browser.post(f"{SERVER_PATH}/session", headers=platform_admin.headers)
        assert opened.status_code == 204, opened.text
        cookie = opened.headers["set-cookie"].lower()
        assert "httponly" in cookie and f"path={SERVER_PATH}" in cookie and "samesite=strict" in cookie

        preflight = await browser.options(
            f"{SERVER_PATH}/decode",
            headers={
                "Origin": UI_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-namespace",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
        assert preflight.headers["access-control-allow-credentials"] == "true"

        decoded = await browser.post(f"{SERVER_PATH}/decode", json=body, headers={"Origin": UI_ORIGIN})
        assert decoded.status_code == 200, decoded.text
        assert decoded.headers["access-control-allow-origin"] == UI_ORIGIN
        assert _b64(decoded.json()["payloads"][0]["metadata"]["encoding"]) != ENCODING

        elsewhere = await browser.options(
            f"{SERVER_PATH}/decode",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in elsewhere.headers


async def test_a_history_recorded_with_the_codec_replays(history: WorkflowHistory) -> None:
    result = await REPLAYER.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


async def test_make_histories_writes_them_decoded_and_they_replay(
    temporal_env: WorkflowEnvironment, history: WorkflowHistory, tmp_path: Path
) -> None:
    written = await record_histories(temporal_env.client, ["TitleGenerationWorkflow"], tmp_path)
    assert written
    for path in written:
        recorded = WorkflowHistory.from_json(path.stem, json.loads(path.read_text()))
        assert not any(is_encrypted(payload) for _, payload in stored(recorded)), path.name
        result = await REPLAYER.replay_workflow(recorded, raise_on_replay_failure=False)
        assert result.replay_failure is None, result.replay_failure
