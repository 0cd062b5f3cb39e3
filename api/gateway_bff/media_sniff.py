"""What an uploaded file is, from its first bytes: never from its name or the declared content type.

Images are told by their signatures. A video must have the structure of one: an ISO base media file
(MP4, MOV) opens with an `ftyp` box of a sane size naming a video brand, followed by another top-level box
(`moov`, `mdat`, `free`, …); a WebM file opens with an EBML header whose DocType is `webm`. Four bytes
`ftyp` at offset 4 alone make no video.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["image", "video"]
# Enough for an `ftyp` box with a long list of compatible brands and the header of the box after it.
SNIFF_BYTES = 1024
BOX_HEADER = 8
# `ftyp`: size, type, major brand, minor version, then compatible brands of 4 bytes each.
FTYP_MIN = 16
FTYP_MAX = SNIFF_BYTES - BOX_HEADER
QUICKTIME = b"qt  "
VIDEO_BRANDS = frozenset(
    {
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"mp71", b"avc1",
        b"M4V ", b"M4VH", b"M4VP", b"f4v ", b"MSNV", b"dash", b"mmp4", b"3gp4", b"3gp5", b"3gp6",
        b"3g2a", QUICKTIME,
    }
)  # fmt: skip
TOP_LEVEL_BOXES = frozenset(
    {b"moov", b"mdat", b"free", b"skip", b"wide", b"pdin", b"moof", b"mfra", b"meta", b"uuid", b"sidx",
     b"styp", b"pnot", b"prft"}
)  # fmt: skip
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# The DocType element (0x4282), a one-byte size, then the type, inside the EBML header.
WEBM_DOCTYPE = re.compile(rb"\x42\x82[\x81-\x88]webm")
EBML_HEADER_MAX = 64


@dataclass(frozen=True)
class MediaKind:
    role: Role
    mime_type: str
    suffix: str


JPEG = MediaKind("image", "image/jpeg", ".jpg")
PNG = MediaKind("image", "image/png", ".png")
WEBP = MediaKind("image", "image/webp", ".webp")
MP4 = MediaKind("video", "video/mp4", ".mp4")
MOV = MediaKind("video", "video/quicktime", ".mov")
WEBM = MediaKind("video", "video/webm", ".webm")
# The types a stored file is known to be (uploads are sniffed, generated images are PNG or JPEG).
INLINE_TYPES = frozenset(kind.mime_type for kind in (JPEG, PNG, WEBP, MP4, MOV, WEBM))


def sniff(head: bytes) -> MediaKind | None:
    """The media kind of a file from its first SNIFF_BYTES; None for anything Douyin would not take."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head.startswith(EBML_MAGIC) and WEBM_DOCTYPE.search(head[:EBML_HEADER_MAX]):
        return WEBM
    return None


def _iso_media(head: bytes) -> MediaKind | None:
    size = int.from_bytes(head[:4], "big")
    if not FTYP_MIN <= size <= FTYP_MAX or (size - FTYP_MIN) % 4:
        return None
    brand = head[8:12]
    if brand not in VIDEO_BRANDS or not _box_follows(head[size : size + BOX_HEADER]):
        return None
    return MOV if brand == QUICKTIME else MP4


def _box_follows(header: bytes) -> bool:
    """A top-level box header: a known type, and a size that is 0 (to the end), 1 (64-bit) or a box's."""
    if len(header) < BOX_HEADER or header[4:8] not in TOP_LEVEL_BOXES:
        return False
    size = int.from_bytes(header[:4], "big")
    return size in (0, 1) or size >= BOX_HEADER
