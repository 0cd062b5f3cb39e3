"""The codec server protocol: Temporal `Payloads` in protobuf JSON, bytes as base64."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payload

# A history page the UI or the CLI decodes at once stays far below this.
MAX_PAYLOADS = 1000


class CodecPayload(BaseModel):
    metadata: dict[str, str] = Field(default_factory=dict, max_length=64)
    data: str = ""

    def to_proto(self) -> Payload:
        return Payload(metadata={k: _bytes(v) for k, v in self.metadata.items()}, data=_bytes(self.data))

    @classmethod
    def of(cls, payload: Payload) -> CodecPayload:
        return cls(metadata={k: _text(v) for k, v in payload.metadata.items()}, data=_text(payload.data))


class CodecPayloads(BaseModel):
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
