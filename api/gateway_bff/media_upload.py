"""Receiving one uploaded media file: streamed from the request to the media store, never held whole.

The multipart body is parsed as it arrives; the file's type comes from its first bytes (`media_sniff`,
never the name or the declared content type) and sets the size limit, which is enforced while streaming;
an image must also stay within a pixel count.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from PIL import Image, UnidentifiedImageError
from python_multipart.multipart import MultipartParser, parse_options_header

from api.gateway_bff.errors import DomainError
from api.gateway_bff.media_quota import Quota, QuotaExceeded, human_size
from api.gateway_bff.media_sniff import SNIFF_BYTES, MediaKind, Role, sniff
from douflow.media import LocalMediaStore

FILE_FIELD = "file"
TEXT_FIELDS = ("content_id", "caption", "description")
TEXT_FIELD_MAX = 2000
WRITE_BATCH = 1024 * 1024
# Multipart framing around the file; a declared length beyond limit + this is refused before reading.
MULTIPART_OVERHEAD = 64 * 1024
# After a refusal the rest of the body is read and dropped up to this much, so the client hears the answer.
DRAIN_MAX = 64 * 1024 * 1024


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMedia(DomainError):
    status_code = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class Limits:
    video_bytes: int
    image_bytes: int
    image_pixels: int
    quota: Quota
    grace_hours: float

    def for_role(self, role: Role) -> int:
        return self.video_bytes if role == "video" else self.image_bytes

    def describe(self, role: Role) -> str:
        return f"{role}s may be at most {human_size(self.for_role(role))}"

    def over_quota(self) -> QuotaExceeded:
        return QuotaExceeded(self.quota, self.grace_hours)


@dataclass
class ReceivedMedia:
    key: str
    kind: MediaKind
    size_bytes: int
    width: int | None
    height: int | None
    fields: dict[str, str]


@dataclass
class _Receiver:
    """Parser callbacks are synchronous: they only collect bytes and decisions for the coroutine."""

    limits: Limits
    kind: MediaKind | None = None
    error: DomainError | None = None
    size: int = 0
    file_seen: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    head: bytearray = field(default_factory=bytearray)
    pending: list[bytes] = field(default_factory=list)
    pending_size: int = 0
    _header_field: bytearray = field(default_factory=bytearray)
    _header_value: bytearray = field(default_factory=bytearray)
    _disposition: bytes = b""
    _part: str | None = None
    _text: bytearray = field(default_factory=bytearray)

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._disposition, self._part = b"", None
        self._text.clear()

    def _header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == FILE_FIELD and not self.file_seen:
            self.file_seen = True
            self._part = FILE_FIELD
        elif name in TEXT_FIELDS:
            self._part = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part is None or self.error is not None:
            return
        chunk = data[start:end]
        if self._part != FILE_FIELD:
            if len(self._text) + len(chunk) > TEXT_FIELD_MAX:
                self.error = DomainError(f"form field {self._part} is longer than {TEXT_FIELD_MAX} bytes")
            self._text.extend(chunk)
            return
        self.size += len(chunk)
        if self.kind is None:
            self.head.extend(chunk[: SNIFF_BYTES - len(self.head)])
            if len(self.head) >= SNIFF_BYTES:
                self._decide()
        if self.kind is not None and self.size > self.limits.for_role(self.kind.role):
            self.error = PayloadTooLarge(f"file too large: {self.limits.describe(self.kind.role)}")
            return
        if self.size > self.limits.quota.left:
            self.error = self.limits.over_quota()
            return
        self.pending.append(chunk)
        self.pending_size += len(chunk)

    def _part_end(self) -> None:
        if self._part == FILE_FIELD and self.kind is None and self.error is None:
            self._decide()
        elif self._part in TEXT_FIELDS:
            self.fields[self._part] = self._text.decode("utf-8", "replace").strip()
        self._part = None

    def _decide(self) -> None:
        self.kind = sniff(bytes(self.head))
        if self.kind is None:
            self.error = UnsupportedMedia(
                "unsupported file type: send a JPEG, PNG or WebP image, or an MP4, MOV or WebM video"
            )

    def take(self) -> bytes:
        data = b"".join(self.pending)
        self.pending.clear()
        self.pending_size = 0
        return data


async def receive_media(
    request: Request, store: LocalMediaStore, tenant_id: str, limits: Limits
) -> ReceivedMedia:
    """Streams the `file` field into the store under a fresh key; refuses oversize or unknown files."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise DomainError("send the file as multipart/form-data in a field named 'file'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.video_bytes + MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"upload too large: {limits.describe('video')}, {limits.describe('image')}")
    if limits.quota.left == 0 or (
        declared and declared.isdigit() and int(declared) > limits.quota.left + MULTIPART_OVERHEAD
    ):
        raise limits.over_quota()
    receiver = _Receiver(limits)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    writer: _Writer | None = None
    drained = 0
    try:
        async for chunk in request.stream():
            if receiver.error is not None:
                drained += len(chunk)
                if drained > DRAIN_MAX:
                    break
                continue
            parser.write(chunk)
            if writer is None and receiver.kind is not None and receiver.error is None:
                writer = await _Writer.open(store, tenant_id, receiver.kind)
            if writer is not None and receiver.error is None and receiver.pending_size >= WRITE_BATCH:
                await writer.write(receiver.take())
        if receiver.error is None:
            parser.finalize()
        if receiver.error is not None:
            raise receiver.error
        if not receiver.file_seen or receiver.size == 0 or receiver.kind is None:
            raise DomainError("no file: send it in a multipart field named 'file'")
        if writer is None:
            writer = await _Writer.open(store, tenant_id, receiver.kind)
        await writer.write(receiver.take())
        await writer.commit()
    except BaseException:
        if writer is not None:
            await writer.discard()
        raise
    width, height = await _dimensions(store.path(writer.key), receiver.kind, limits.image_pixels)
    return ReceivedMedia(writer.key, receiver.kind, receiver.size, width, height, receiver.fields)


@dataclass
class _Writer:
    """A temp file beside the final path; renamed into place only when the whole file arrived."""

    key: str
    final: Path
    temp: Path
    handle: BinaryIO

    @classmethod
    async def open(cls, store: LocalMediaStore, tenant_id: str, kind: MediaKind) -> _Writer:
        key = f"{tenant_id}/{datetime.now(UTC):%Y}/{uuid.uuid4().hex}{kind.suffix}"
        final = store.path(key)
        temp = final.with_name(f".tmp-{final.name}")

        def create() -> BinaryIO:
            final.parent.mkdir(parents=True, exist_ok=True)
            return temp.open("wb")

        return cls(key, final, temp, await asyncio.to_thread(create))

    async def write(self, data: bytes) -> None:
        if data:
            await asyncio.to_thread(self.handle.write, data)

    async def commit(self) -> None:
        def finish() -> None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.temp, self.final)

        await asyncio.to_thread(finish)

    async def discard(self) -> None:
        def drop() -> None:
            self.handle.close()
            self.temp.unlink(missing_ok=True)

        await asyncio.to_thread(drop)


async def _dimensions(path: Path, kind: MediaKind, max_pixels: int) -> tuple[int | None, int | None]:
    """Width and height of an image, which must decode and stay within `max_pixels`; videos are not probed.

    A few KiB of PNG can declare hundreds of megapixels: whatever decodes it later would need gigabytes.
    Pillow only warns between its two thresholds, so the size is checked here, before anything decodes.
    """
    if kind.role != "image":
        return None, None
    size = await asyncio.to_thread(_probe, path, max_pixels)
    if isinstance(size, str):
        await asyncio.to_thread(path.unlink, True)
        raise UnsupportedMedia(size)
    return size


def _probe(path: Path, max_pixels: int) -> tuple[int, int] | str:
    too_many = f"the image has too many pixels to be decoded safely (at most {max_pixels:,})"
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > max_pixels:
                return f"{too_many}: {width}×{height}"
            image.verify()
            return width, height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_many
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "the image could not be decoded"
