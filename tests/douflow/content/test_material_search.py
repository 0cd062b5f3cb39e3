"""The material library's Chinese search on the labelled set, on the test database (SQLite, or PostgreSQL
with TEST_DATABASE_URL), and reading documents' text."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.material_search import evaluate
from douflow.content.material_search import matched_words
from douflow.content.material_text import UnreadableDocument, extract_text
from tests.support.materials import docx


async def test_recall_at_5_on_the_labelled_set(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    report = await evaluate(sessionmaker, f"search-{uuid.uuid4().hex[:8]}")
    assert report.queries >= 40
    assert report.recall_at_5 >= 0.9, report.misses
    assert report.top1 >= 0.8, report.misses


def test_documents_give_their_text() -> None:
    assert "磨豆机 899 元" in extract_text("价目.docx", docx("意式咖啡机 3999 元", "磨豆机 899 元"))
    assert extract_text("notes.txt", "保修一年".encode("gb18030")) == "保修一年"
    assert extract_text("notes.md", "\ufeff# 标题".encode()) == "# 标题"
    assert extract_text("scan.pdf", b"%PDF-1.7 ...") == ""


def test_spreadsheet_and_slides_give_their_strings() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>加盟费</t></si>'
            "<si><t>9.8万</t></si></sst>",
        )
    assert extract_text("费用.xlsx", buffer.getvalue()) == "加盟费 9.8万"
    slides = io.BytesIO()
    with zipfile.ZipFile(slides, "w") as archive:
        for n, text in ((2, "第二页"), (10, "第十页"), (1, "第一页")):
            archive.writestr(
                f"ppt/slides/slide{n}.xml",
                f'<p:sld xmlns:p="p" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:t>{text}</a:t></p:sld>',
            )
    assert extract_text("介绍.pptx", slides.getvalue()).split("\n") == ["第一页", "第二页", "第十页"]


def test_a_broken_office_file_is_refused() -> None:
    with pytest.raises(UnreadableDocument):
        extract_text("price.docx", b"not a zip at all")


def test_the_words_a_material_matched_are_the_customers_stretches_it_holds() -> None:
    held = frozenset({"咖啡", "啡机", "价目", "目表", "s1", "你"})

    assert matched_words("你们咖啡机S1的价目表发我", held) == ["咖啡机", "s1", "价目表"]
    assert matched_words("在吗", held) == []
