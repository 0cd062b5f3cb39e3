"""The searchable text of an uploaded document, read with the standard library only.

Plain text (`.txt`, `.md`, `.csv`; UTF-8, else GB18030) and the Office Open XML formats, which are zip files of
XML (`.docx` paragraphs, `.xlsx` shared and inline strings, `.pptx` slide text). A PDF or anything else is
stored and can be shared, but adds no text to search (its title, description and tags still do).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv"})
OOXML_PARTS = {
    ".docx": re.compile(r"^word/document\.xml$"),
    ".xlsx": re.compile(r"^xl/(sharedStrings\.xml|worksheets/sheet\d+\.xml)$"),
    ".pptx": re.compile(r"^ppt/slides/slide\d+\.xml$"),
}
# Text runs of each format: w:t (Word), t (Excel strings), a:t (PowerPoint).
TEXT_TAGS = frozenset({"t"})
# A zip bomb must not fill memory: parts beyond this many bytes, uncompressed, are skipped.
PART_MAX = 20 * 1024**2
TEXT_MAX = 200_000
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class UnreadableDocument(ValueError):
    """The file does not have the shape its name says (e.g. a `.docx` that is no zip)."""


def suffix_of(file_name: str) -> str:
    return PurePosixPath(file_name.lower()).suffix


def extract_text(file_name: str, data: bytes) -> str:
    """The document's text for search ('' for formats not read); raises UnreadableDocument on a broken file."""
    suffix = suffix_of(file_name)
    if suffix in TEXT_SUFFIXES:
        return _decode(data)[:TEXT_MAX]
    pattern = OOXML_PARTS.get(suffix)
    if pattern is None:
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sorted(
                (info for info in archive.infolist() if pattern.match(info.filename)),
                key=lambda info: _natural(info.filename),
            )
            texts = [_xml_text(archive.read(info)) for info in parts if info.file_size <= PART_MAX]
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        raise UnreadableDocument(f"{file_name} is not a readable {suffix[1:]} file") from exc
    return "\n".join(t for t in texts if t)[:TEXT_MAX]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _natural(name: str) -> tuple[str, int]:
    number = re.search(r"(\d+)\.xml$", name)
    return (re.sub(r"\d+\.xml$", "", name), int(number.group(1)) if number else 0)


def _xml_text(xml: bytes) -> str:
    # expat (2.4.1+) refuses external entities and bounds entity expansion; OOXML parts carry no DTD.
    root = ElementTree.fromstring(xml)
    lines: list[str] = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in TEXT_TAGS and element.text:
            lines.append(element.text)
    return " ".join(lines)
