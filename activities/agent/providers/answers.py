"""Reading a chat completion into the expected pydantic model, with a typed error for each way it fails."""

from __future__ import annotations

import re
from typing import TypeVar

from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from activities.agent.providers.base import ModelOutputInvalid, ModelOutputTruncated, ModelRefused

M = TypeVar("M", bound=BaseModel)

# Models asked for JSON in the prompt often wrap it in a Markdown code block anyway.
_FENCED = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)
_REFUSAL_SHOWN = 120


def read_answer(completion: ChatCompletion, output: type[M]) -> M:
    """The first choice as `output`; refusals, cut-off JSON and schema mismatches are told apart."""
    if not completion.choices:
        raise ModelOutputInvalid("the model returned no choices")
    choice = completion.choices[0]
    if choice.message.refusal:
        raise ModelRefused(f"the model refused: {choice.message.refusal[:_REFUSAL_SHOWN]}")
    if choice.finish_reason == "content_filter":
        raise ModelRefused("the answer was stopped by the endpoint's content filter")
    if choice.finish_reason == "length":
        raise ModelOutputTruncated("the answer was cut off at the token limit")
    text = json_text(choice.message.content or "")
    if not text.startswith("{"):
        raise ModelRefused(f"the model answered without JSON ({len(text)} characters)")
    try:
        return output.model_validate_json(text)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise ModelOutputTruncated("the JSON answer does not parse (cut off or malformed)") from exc
        raise ModelOutputInvalid(
            f"answer does not match {output.__name__}: {exc.error_count()} errors"
        ) from exc


def json_text(content: str) -> str:
    """The content without a surrounding Markdown code fence, or the first fenced block inside prose."""
    stripped = content.strip()
    if stripped.startswith("```"):
        # A cut-off answer has no closing fence; what follows the opening one is still the JSON.
        body = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        return body.removesuffix("```").strip()
    fenced = _FENCED.search(stripped)
    return fenced.group(1).strip() if fenced and not stripped.startswith("{") else stripped
