"""Turning a stored content into the post Douyin will receive, and checking it against Douyin's rules.

The one answer to "can this content be published as it is?", for the calendar, replication's
auto-scheduling and the publish workflow alike.

Douyin asks creators to declare AI-generated content and its open API has no field for it
(douyin-openapi.md 4.3, 4.4), so where the tenant declares it the declaration is a line of the post's
text: it counts toward the length limits and reconciliation looks for the text with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.contents import ContentRepository
from douflow.db.tables import Content, ContentAsset, Tenant
from douflow.platforms import rules_for
from models.publish import MediaType, PublishDraft

# The image-text API takes at most 30 image_ids (douyin-openapi.md 4.4), fewer than the app allows.
DOUYIN_MAX_IMAGES = 30
IMAGE_ROLES = ("cover", "image")
# Douyin's own wording of the creator's declaration (自主声明).
AI_DECLARATION = "内容由AI生成"


def build_draft(
    content: Content, body: dict[str, Any], assets: Sequence[ContentAsset], *, declaration: str | None = None
) -> PublishDraft:
    """A video post when a video is attached, an image-text post when images are; problems say what's off.

    `declaration` is the AI-content line to end the text with, if the content carries one.
    """
    rules = rules_for("douyin")
    title, text_body, hashtags = _text_parts(content, body)
    videos = [a for a in assets if a.role == "video"]
    images = sorted((a for a in assets if a.role in IMAGE_ROLES), key=lambda a: (a.position, a.created_at))
    media_type: MediaType = "video" if videos else "image_text"
    text = compose_text(title, text_body, hashtags, declaration)
    problems: list[str] = []
    if not title.strip():
        problems.append("the post has no title")
    elif len(title) > rules.title_max:
        problems.append(f"title has {len(title)} characters, Douyin allows {rules.title_max}")
    if len(text) > rules.body_max:
        with_line = f" (with the {len(declaration) + 1}-character AI declaration line)" if declaration else ""
        problems.append(f"post text has {len(text)} characters{with_line}, Douyin allows {rules.body_max}")
    if len(hashtags) > rules.hashtag_max:
        problems.append(f"{len(hashtags)} hashtags, Douyin allows {rules.hashtag_max}")
    if len(videos) > 1:
        problems.append(f"{len(videos)} videos attached; a video post takes exactly one")
    if not videos and not images:
        problems.append("no media: attach a video for a video post or images for an image-text post")
    if media_type == "image_text" and len(images) > DOUYIN_MAX_IMAGES:
        problems.append(f"{len(images)} images, Douyin allows {DOUYIN_MAX_IMAGES} per post")
    return PublishDraft(
        content_id=content.id,
        media_type=media_type,
        text=text,
        video_key=videos[0].storage_key if videos else None,
        image_keys=[a.storage_key for a in images] if media_type == "image_text" else [],
        problems=problems,
    )


def compose_text(title: str, body: str, hashtags: Sequence[str], declaration: str | None = None) -> str:
    """Douyin has one `text` field: the title, then the body, then hashtags the body lacks, then the
    AI declaration line when there is one."""
    missing = [tag for tag in hashtags if tag and tag not in body]
    parts = [title.strip(), body.strip(), " ".join(missing), declaration or ""]
    return "\n".join(p for p in parts if p)


def declaration_for(tenant: Tenant | None, content: Content) -> str | None:
    """The AI declaration line, unless the tenant turned it off or an operator did for this content."""
    declares = tenant.ai_declaration if tenant is not None else True
    return AI_DECLARATION if declares and content.ai_declaration else None


def _text_parts(content: Content, body: dict[str, Any]) -> tuple[str, str, list[str]]:
    """Title, body and hashtags of each content kind."""
    if content.kind == "image_post":
        return str(body.get("title", content.title)), str(body.get("body", "")), _tags(body)
    if content.kind == "copywriting":
        copies = [c for c in body.get("copies", []) if isinstance(c, dict)]
        chosen = next((c for c in copies if c.get("platform") == "douyin"), copies[0] if copies else {})
        return str(chosen.get("title", content.title)), str(chosen.get("body", "")), _tags(chosen)
    if content.kind == "video_script":
        return str(body.get("title", content.title)), "", []
    return content.title, "", []


def _tags(body: dict[str, Any]) -> list[str]:
    return [str(t) for t in body.get("hashtags", []) if str(t).strip()]


async def load_draft(
    session: AsyncSession, tenant_id: str, content_id: str, version: int | None = None
) -> PublishDraft | None:
    """The content's version (the current one unless pinned) as a Douyin post with its problems.

    None when the content does not exist; a pinned version that is gone is a problem, never a silent
    switch to another text.
    """
    repo = ContentRepository(session, tenant_id)
    content = await repo.get(content_id)
    if content is None:
        return None
    row = await repo.version(content.id, version or content.current_version)
    assets = await session.scalars(
        select(ContentAsset).where(ContentAsset.tenant_id == tenant_id, ContentAsset.content_id == content.id)
    )
    declaration = declaration_for(await session.get(Tenant, tenant_id), content)
    draft = build_draft(content, row.body if row else {}, assets.all(), declaration=declaration)
    if row is None and version is not None:
        draft.problems.append(f"version {version} of this content no longer exists")
    return draft


async def content_problems(session: AsyncSession, tenant_id: str, content_id: str) -> list[str] | None:
    """What keeps a content from being published on Douyin as it is ([] when nothing; None when not found)."""
    draft = await load_draft(session, tenant_id, content_id)
    return None if draft is None else draft.problems
