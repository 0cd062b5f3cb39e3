"""Helpers for material library tests: libraries, materials, documents made in memory, customers."""

from __future__ import annotations

import base64
import io
import uuid
import zipfile
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.customers.conversations import ConversationRepository
from douflow.db.base import utcnow
from tests.support.auth import TestUser


def docx(*paragraphs: str) -> bytes:
    """A minimal Word document holding the paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def document(file_name: str, data: bytes) -> dict[str, str]:
    return {"file_name": file_name, "content_base64": base64.b64encode(data).decode()}


async def library(http: httpx.AsyncClient, user: TestUser, **changes: Any) -> dict[str, Any]:
    body = {"name": f"资料库-{uuid.uuid4().hex[:6]}", "description": "成交资料"} | changes
    response = await http.post("/api/v1/material-libraries", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def member(
    http: httpx.AsyncClient, manager: TestUser, library_id: str, user: TestUser, permission: str
) -> None:
    response = await http.put(
        f"/api/v1/material-libraries/{library_id}/members",
        json={"user_id": user.user_id, "permission": permission},
        headers=manager.headers,
    )
    assert response.status_code == 200, response.text


async def material(
    http: httpx.AsyncClient, user: TestUser, library_id: str, **changes: Any
) -> dict[str, Any]:
    body = {
        "library_id": library_id,
        "kind": "faq",
        "title": "咖啡机保修多久",
        "description": "售后常见问题",
        "tags": ["售后"],
        "text": "整机保修一年，核心部件保修三年，七天无理由退换。",
    } | changes
    response = await http.post("/api/v1/materials", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def customer(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> str:
    async with sessionmaker() as session:
        found = await ConversationRepository(session, tenant_id).customer(
            f"c-{uuid.uuid4()}", "小李", utcnow()
        )
        await session.commit()
        return found.id
