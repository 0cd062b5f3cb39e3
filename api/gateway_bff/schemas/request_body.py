"""The base of every JSON body a route reads."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """Unknown fields are refused, and values are taken as JSON types them: a number sent as text, or 0
    for false, is refused as the OpenAPI document says, not converted."""

    model_config = ConfigDict(extra="forbid", strict=True)
