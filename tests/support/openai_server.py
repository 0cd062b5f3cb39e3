"""A local OpenAI-compatible server for tests and benchmarks.

It stands in for a remote model service (OpenAI, DeepSeek, Qwen ...) that cannot exist offline: the
real `openai` SDK talks to it over HTTP on a free ephemeral port. Chat completions that ask for a JSON
schema are answered with VALID output made by the template provider from the request JSON in the user
message, chosen by the schema's name (from response_format, or from the schema the prompt carries when
the request asks for `json_object` or for nothing, answered then in a Markdown code block as real models
do); image generations return a real small PNG as b64_json. Switches add latency, fail the next N requests
with an HTTP status, return invalid output, a refusal or a cut-off answer for the next N, or refuse
response_format types with the 400 some vendors (DeepSeek, Qwen, Ollama versions) answer.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from PIL import Image
from pydantic import BaseModel

from activities.agent.providers.template import TemplateProvider
from activities.agent.providers.title_answer import TitleAnswer
from douflow.testing.servers import running_uvicorn
from models.comments import CommentJob
from models.conversations import ReplyJob
from models.generation import CopyJob, ImagePostJob, TitleJob, VideoScriptJob
from models.suggestions import SuggestionJob
from models.tasks import FollowUpScriptJob

InvalidMode = Literal["bad_json", "schema", "limit", "prose"]
FormatType = Literal["json_schema", "json_object"]
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 429: "rate_limit_exceeded"}  # fmt: skip
# What vendors without the mode answer (DeepSeek's wording; Ollama-style for json_object), with no `param`.
_FORMAT_REFUSALS: dict[str, str] = {
    "json_schema": "This response_format type is unavailable now",
    "json_object": 'invalid response_format: type "json_object" is not supported by this model',
}
_SCHEMA_IN_PROMPT = re.compile(r'"name": "(\w+)"')
REFUSAL = "I'm sorry, but I can't help with that request."


@dataclass
class Switches:
    """Fault and latency switches; change them at any time through the handle."""

    delay_seconds: float = 0.0
    # When set, every request waits until the test opens it: a model exactly as slow as the test needs.
    gate: asyncio.Event | None = None
    fail_next: int = 0
    fail_status: int = 500
    invalid_next: int = 0
    invalid_mode: InvalidMode = "bad_json"
    api_key: str | None = None  # when set, other keys get 401 like a real endpoint
    refuse_formats: tuple[FormatType, ...] = ()  # response_format types answered with a vendor's 400
    refuse_next: int = 0  # answers with `message.refusal` and no content
    truncate_next: int = 0  # answers cut mid-JSON with finish_reason "length"


@dataclass
class OpenAIServerHandle:
    """What a test sees of the running server."""

    base_url: str
    switches: Switches
    requests_seen: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def set(self, **changes: Any) -> None:
        """Change switches, e.g. `handle.set(fail_next=1, fail_status=429)`."""
        for name, value in changes.items():
            if not hasattr(self.switches, name):
                raise AttributeError(f"unknown switch {name!r}")
            setattr(self.switches, name, value)

    def formats_seen(self) -> list[str]:
        """The response_format type of each chat request, "prompt" when it had none."""
        return [
            (body.get("response_format") or {}).get("type", "prompt")
            for body in self.bodies
            if "messages" in body
        ]


@dataclass(frozen=True)
class Answer:
    content: str | None
    finish_reason: str = "stop"
    refusal: str | None = None


_TEMPLATE = TemplateProvider()
_TASKS: dict[str, Callable[[str], Awaitable[BaseModel]]] = {
    "title_result": lambda raw: _titles(raw),
    "platform_copy": lambda raw: _TEMPLATE.platform_copy(CopyJob.model_validate_json(raw)),
    "image_post_draft": lambda raw: _TEMPLATE.image_post(ImagePostJob.model_validate_json(raw)),
    "video_script": lambda raw: _TEMPLATE.video_script(VideoScriptJob.model_validate_json(raw)),
    "reply_decision": lambda raw: _TEMPLATE.reply(ReplyJob.model_validate_json(raw)),
    "comment_decision": lambda raw: _TEMPLATE.comment(CommentJob.model_validate_json(raw)),
    "reply_suggestions": lambda raw: _TEMPLATE.suggest_replies(SuggestionJob.model_validate_json(raw)),
    "follow_up_script": lambda raw: _TEMPLATE.follow_up_script(FollowUpScriptJob.model_validate_json(raw)),
}


async def _titles(raw: str) -> BaseModel:
    """What a model answers: the template's titles, each naming the pattern it follows but citing nothing."""
    result = await _TEMPLATE.titles(TitleJob.model_validate_json(raw))
    return TitleAnswer.model_validate(result.model_dump(exclude={"candidates": {"__all__": {"evidence"}}}))


def create_app(handle: OpenAIServerHandle) -> FastAPI:
    """The ASGI app; all state lives on `handle`."""
    app = FastAPI(title="Local OpenAI-compatible server")

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> JSONResponse:
        body = await request.json()
        if (failure := await _preflight(handle, request, body)) is not None:
            return failure
        if (refused := _refused_format(handle.switches, body)) is not None:
            return refused
        return JSONResponse(_completion(body.get("model", "local"), await _answer(handle.switches, body)))

    @app.post("/v1/images/generations")
    async def images_generations(request: Request) -> JSONResponse:
        body = await request.json()
        if (failure := await _preflight(handle, request, body)) is not None:
            return failure
        png = _png(str(body.get("prompt", "")), body.get("size") or "64x64")
        return JSONResponse({"created": int(time.time()), "data": [{"b64_json": png}]})

    return app


@contextlib.asynccontextmanager
async def running_openai_server(**switches: Any) -> AsyncIterator[OpenAIServerHandle]:
    """Serve on 127.0.0.1 at a free ephemeral port; yields a handle whose base_url ends in /v1."""
    handle = OpenAIServerHandle(base_url="", switches=Switches(**switches))
    async with running_uvicorn(create_app(handle)) as root:
        handle.base_url = f"{root}/v1"
        yield handle


async def _preflight(
    handle: OpenAIServerHandle, request: Request, body: dict[str, Any]
) -> JSONResponse | None:
    """Count, delay and apply the failure switches; None means answer normally."""
    handle.requests_seen += 1
    handle.bodies.append(body)
    switches = handle.switches
    if switches.delay_seconds:
        await asyncio.sleep(switches.delay_seconds)
    if switches.gate is not None:
        await switches.gate.wait()
    if switches.api_key and request.headers.get("authorization") != f"Bearer {switches.api_key}":
        return _error(401, "Incorrect API key provided")
    if switches.fail_next > 0:
        switches.fail_next -= 1
        return _error(switches.fail_status, f"injected failure {switches.fail_status}")
    return None


def _refused_format(switches: Switches, body: dict[str, Any]) -> JSONResponse | None:
    kind = (body.get("response_format") or {}).get("type")
    if kind in switches.refuse_formats:
        return _error(400, _FORMAT_REFUSALS[kind])
    return None


async def _answer(switches: Switches, body: dict[str, Any]) -> Answer:
    """Template output for the schema asked for, unless a refusal, a cut or invalid output is switched on."""
    schema = _schema_name(body)
    user = next((m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "{}")
    if schema not in _TASKS:
        return Answer(json.dumps({"answer": "ok"}))
    if switches.refuse_next > 0:
        switches.refuse_next -= 1
        return Answer(None, refusal=REFUSAL)
    text = (await _TASKS[schema](user)).model_dump_json()
    if switches.truncate_next > 0:
        switches.truncate_next -= 1
        return Answer(text[: len(text) // 2], finish_reason="length")
    if switches.invalid_next > 0:
        switches.invalid_next -= 1
        text = _spoil(await _TASKS[schema](user), switches.invalid_mode)
    return Answer(text if body.get("response_format") else f"```json\n{text}\n```")


def _schema_name(body: dict[str, Any]) -> str:
    """The json_schema's name, or without one the name of the schema carried by the system prompt."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return str((response_format.get("json_schema") or {}).get("name", ""))
    system = next((m["content"] for m in body.get("messages", []) if m.get("role") == "system"), "")
    found = _SCHEMA_IN_PROMPT.search(system)
    return found.group(1) if found else ""


def _spoil(result: BaseModel, mode: InvalidMode) -> str:
    """Output a real model gets wrong: cut-off JSON, a schema violation, or a platform limit broken."""
    if mode == "bad_json":
        return result.model_dump_json()[:40]
    if mode == "prose":
        return "好的，这是为你准备的内容：标题和正文见下。"
    data = result.model_dump()
    if mode == "schema":
        data.pop(next(iter(data)))
        data["unexpected"] = True
    elif "candidates" in data:
        data["candidates"][0]["text"] = "超长标题" * 30
    else:
        data["title"] = "超长标题" * 30
    return json.dumps(data, ensure_ascii=False)


def _completion(model: str, answer: Answer) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.content, "refusal": answer.refusal},
                "finish_reason": answer.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _error(status: int, message: str) -> JSONResponse:
    error = {
        "message": message,
        "type": _ERROR_TYPES.get(status, "server_error"),
        "param": None,
        "code": None,
    }
    return JSONResponse({"error": error}, status_code=status)


def _png(prompt: str, size: str) -> str:
    """A small real PNG whose colour depends on the prompt; kept small whatever size is asked."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, prompt).bytes
    width, height = (int(part) // 16 for part in size.split("x")) if "x" in size else (64, 64)
    image = Image.new("RGB", (max(width, 8), max(height, 8)), tuple(digest[:3]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
