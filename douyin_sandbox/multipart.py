"""Stream one multipart file field straight to disk, so uploads never sit whole in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import anyio
from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from douyin_sandbox.envelopes import SandboxApiError

PARAM_INVALID = 28001007


@dataclass
class ReceivedFile:
    size: int = 0
    found: bool = False
    too_large: bool = False
    filename: str = ""


@dataclass
class _PartState:
    """Parser callbacks are synchronous; they queue bytes that the coroutine then writes in a thread."""

    wanted: str
    limit: int
    result: ReceivedFile = field(default_factory=ReceivedFile)
    pending: list[bytes] = field(default_factory=list)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    disposition: bytes = b""
    capturing: bool = False

    def on_part_begin(self) -> None:
        self.disposition, self.capturing = b"", False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self.header_field).lower() == b"content-disposition":
            self.disposition = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == self.wanted and not self.result.found:
            self.capturing = True
            self.result.found = True
            self.result.filename = options.get(b"filename", b"").decode("utf-8", "replace")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.capturing or self.result.too_large:
            return
        self.result.size += end - start
        if self.result.size > self.limit:
            self.result.too_large = True  # keep draining the body, stop writing
            self.pending.clear()
            return
        self.pending.append(data[start:end])

    def on_part_end(self) -> None:
        self.capturing = False


async def receive_file(request: Request, field_name: str, dest: Path, max_bytes: int) -> ReceivedFile:
    """Write the multipart field `field_name` to `dest`; the caller checks `found` and `too_large`."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise SandboxApiError(PARAM_INVALID, "请使用multipart/form-data上传")
    part = _PartState(wanted=field_name, limit=max_bytes)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": part.on_part_begin,
            "on_header_field": part.on_header_field,
            "on_header_value": part.on_header_value,
            "on_header_end": part.on_header_end,
            "on_headers_finished": part.on_headers_finished,
            "on_part_data": part.on_part_data,
            "on_part_end": part.on_part_end,
        },
    )
    handle: BinaryIO = await anyio.to_thread.run_sync(dest.open, "wb")
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if part.pending:
                data, part.pending = b"".join(part.pending), []
                await anyio.to_thread.run_sync(handle.write, data)
        parser.finalize()
    finally:
        await anyio.to_thread.run_sync(handle.close)
    if part.result.too_large or not part.result.found:
        await anyio.to_thread.run_sync(lambda: dest.unlink(missing_ok=True))
    return part.result
