"""The base of every JSON body a route reads."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from models.request_types import holds_nul


class RequestBody(BaseModel):
    """Unknown fields are refused, and values are taken as JSON types them: a number sent as text, or 0
    for false, is refused as the OpenAPI document says, not converted. No text may hold a NUL character."""

    model_config = ConfigDict(extra="forbid", strict=True)
    # Fields whose free-form content a route checks itself (and answers for), not the model.
    free_form: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, value in data.items():
                if name not in cls.free_form and holds_nul(value):
                    raise ValueError(f"`{name}`: text must not contain NUL (\\x00) characters")
        return data
