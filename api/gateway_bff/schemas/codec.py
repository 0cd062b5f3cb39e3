"""The codec server protocol: Temporal `Payloads` in protobuf JSON, bytes as base64."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema
from temporalio.api.common.v1 import Payload

from api.gateway_bff.schemas.request_body import RequestBody

# A history page the UI or the CLI decodes at once stays far below this.
MAX_PAYLOADS = 1000
# Standard or URL-safe base64, padded or not (protobuf JSON writes the one and reads all).
_B64 = "[A-Za-z0-9+/_-]"
BASE64_PATTERN = f"^(?:{_B64}{{4}})*(?:{_B64}{{2}}(?:==)?|{_B64}{{3}}=?)?$"
_BASE64 = re.compile(BASE64_PATTERN)


def _base64(value: str) -> str:
    if not _BASE64.fullmatch(value):
        raise ValueError("must be base64 (standard or URL-safe, padded or not)")
    return value


Base64 = Annotated[
    str, AfterValidator(_base64), WithJsonSchema({"type": "string", "pattern": BASE64_PATTERN})
]


class CodecPayload(RequestBody):
    metadata: dict[str, Base64] = Field(default_factory=dict, max_length=64)
    data: Base64 = ""

    def to_proto(self) -> Payload:
        return Payload(metadata={k: _bytes(v) for k, v in self.metadata.items()}, data=_bytes(self.data))

    @classmethod
    def of(cls, payload: Payload) -> CodecPayload:
        return cls(metadata={k: _text(v) for k, v in payload.metadata.items()}, data=_text(payload.data))


class CodecPayloads(RequestBody):
    payloads: list[CodecPayload] = Field(max_length=MAX_PAYLOADS)


class NotBase64(ValueError):
    """A payload field is not base64: the request is malformed."""


def _bytes(text: str) -> bytes:
    # Protobuf JSON writes standard base64 and accepts the URL-safe alphabet and missing padding too.
    cleaned = text.translate(str.maketrans("-_", "+/"))
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotBase64("payload metadata and data must be base64") from exc


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
