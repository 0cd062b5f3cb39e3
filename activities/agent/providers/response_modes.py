"""How the openai provider asks for JSON, and which way each endpoint accepts, remembered per process.

OpenAI answers `json_schema` structured output; some DeepSeek, Qwen and Ollama versions answer 400 to it,
and a few to `json_object` too. The provider steps down json_schema → json_object → prompt (the schema in
the system prompt, no response_format) when the vendor's 400 says the response format is the problem, and
remembers the step for the endpoint (base URL + model) until the process ends: a restarted worker probes
once again, so an upgraded vendor gets its better mode back.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import openai
from openai import Omit, omit
from openai.types.shared_params import ResponseFormatJSONObject, ResponseFormatJSONSchema
from openai.types.shared_params.response_format_json_schema import JSONSchema
from pydantic import BaseModel

from activities.agent.providers.title_answer import TitleAnswer
from models.comments import CommentDecision
from models.conversations import ReplyDecision
from models.generation import ImagePostDraft, PlatformCopy, VideoScript
from models.suggestions import SuggestionSet
from models.tasks import FollowUpScript

# Schema names double as the task key of the local test server; keep them stable.
SCHEMA_NAMES: dict[type[BaseModel], str] = {
    TitleAnswer: "title_result",
    PlatformCopy: "platform_copy",
    ImagePostDraft: "image_post_draft",
    VideoScript: "video_script",
    ReplyDecision: "reply_decision",
    CommentDecision: "comment_decision",
    SuggestionSet: "reply_suggestions",
    FollowUpScript: "follow_up_script",
}
# What vendors name in a 400 about the response format (OpenAI fills `param`; others only say it).
_FORMAT_WORDS = ("response_format", "response format", "json_schema", "json_object", "structured output")


class ResponseMode(StrEnum):
    """How the JSON shape is asked for, best first."""

    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    PROMPT = "prompt"


_FALLBACK = {
    ResponseMode.JSON_SCHEMA: ResponseMode.JSON_OBJECT,
    ResponseMode.JSON_OBJECT: ResponseMode.PROMPT,
}
Endpoint = tuple[str, str]  # (base URL, model)


class EndpointModes:
    """The mode each endpoint accepts, as learnt in this process; unknown endpoints start at json_schema."""

    def __init__(self) -> None:
        self._modes: dict[Endpoint, ResponseMode] = {}

    def get(self, endpoint: Endpoint) -> ResponseMode:
        return self._modes.get(endpoint, ResponseMode.JSON_SCHEMA)

    def step_down(self, endpoint: Endpoint, refused: ResponseMode) -> ResponseMode | None:
        """Remember that `refused` is not accepted; the next mode to try, or None when none is left."""
        fallback = _FALLBACK.get(refused)
        if fallback is not None:
            self._modes[endpoint] = fallback
        return fallback


# Shared by every provider of the process: the worker builds one, tests may pass their own.
ENDPOINT_MODES = EndpointModes()


def refuses_response_format(exc: openai.BadRequestError) -> bool:
    """Whether the vendor's 400 is about response_format, rather than anything else in the request."""
    if exc.param == "response_format":
        return True
    said = f"{exc.message} {exc.code or ''} {json.dumps(exc.body, ensure_ascii=False, default=str)}".lower()
    return any(word in said for word in _FORMAT_WORDS)


def response_format(
    mode: ResponseMode, output: type[BaseModel]
) -> ResponseFormatJSONSchema | ResponseFormatJSONObject | Omit:
    """The request's response_format; in prompt mode the field is left out altogether."""
    if mode is ResponseMode.JSON_SCHEMA:
        return {"type": "json_schema", "json_schema": json_schema_format(output)}
    if mode is ResponseMode.JSON_OBJECT:
        return {"type": "json_object"}
    return omit


def system_prompt(mode: ResponseMode, system: str, output: type[BaseModel]) -> str:
    """Without json_schema the endpoint does not know the shape: the prompt carries the schema."""
    if mode is ResponseMode.JSON_SCHEMA:
        return system
    schema = json.dumps(
        {"name": SCHEMA_NAMES[output], "schema": _strict(output.model_json_schema())}, ensure_ascii=False
    )
    return f"{system}\n\n输出的 JSON 对象必须符合下面的 JSON Schema（name 是它的名称）：\n{schema}"


def json_schema_format(output: type[BaseModel]) -> JSONSchema:
    """The `json_schema` member of response_format, in the strict form OpenAI accepts."""
    return {"name": SCHEMA_NAMES[output], "schema": _strict(output.model_json_schema()), "strict": True}


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """Strict mode wants every property required and no extra properties, at every level."""
    schema = copy.deepcopy(schema)
    _visit_objects(schema, _require_all)
    return schema


def _visit_objects(node: Any, action: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            action(node)
        for value in node.values():
            _visit_objects(value, action)
    elif isinstance(node, list):
        for value in node:
            _visit_objects(value, action)


def _require_all(node: dict[str, Any]) -> None:
    node["required"] = list(node["properties"])
    node["additionalProperties"] = False
    for prop in node["properties"].values():
        prop.pop("default", None)
