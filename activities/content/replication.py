"""content-center activities of viral replication: claim the hit, read its source, record the outcome.

The `replications` row (unique per tenant and source item) is the durable half of the dedup; the workflow
id is the other. A hit already replicated answers `already_done`, so a second run writes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from activities.content.store import ContentStore
from douflow.content.metrics import tenant_zone
from douflow.db.base import utcnow
from douflow.db.metrics_tables import DouyinItem, Notification, Replication
from douflow.db.tables import AuditEvent, Content, ContentVersion, Publish
from douflow.notify import recipients
from models.content import ContentKind
from models.replication import (
    BeginReplication,
    FinishReplication,
    ReplicationResult,
    ReplicationSource,
)

SYSTEM_ACTOR = "system"
RECENT_DAYS = 60
RECENT_LIMIT = 200
TEXT_LIMIT = 2000
# Douyin media_type 4 is a video; everything else becomes an image-text post.
VIDEO_MEDIA_TYPE = 4


class ReplicationActivities(ContentStore):
    """Viral replications (seed 9): claim, source, outcome."""

    @activity.defn
    async def begin_replication(self, req: BeginReplication) -> ReplicationSource:
        """Claims the hit (or finds it done) and returns its title, body and the texts to stay away from."""
        async with self._sessionmaker() as session:
            row = await _claim(session, req)
            item = await session.scalar(
                select(DouyinItem).where(
                    DouyinItem.tenant_id == req.tenant_id, DouyinItem.item_id == req.hit.item_id
                )
            )
            content, body = await _source_content(session, req.tenant_id, req.hit.item_id, item)
            row.source_content_id = content.id if content else None
            source = _source(row, item, content, body)
            if row.status == "done":
                await session.commit()
                return source.model_copy(update={"already_done": True})
            source.recent_texts = await _recent_texts(session, req.tenant_id, req.account_id)
            await session.commit()
            return source

    @activity.defn
    async def finish_replication(self, req: FinishReplication) -> ReplicationResult:
        """Records the variants and notifies the operators, once (a retry finds the row done)."""
        async with self._sessionmaker() as session:
            row = await session.get(Replication, req.replication_id)
            if row is None or row.tenant_id != req.tenant_id:
                raise ValueError(f"replication {req.replication_id} not found")
            if row.status != "done":
                _finish(row, req)
                await recipients.address(
                    session, _notification(row, req, await tenant_zone(session, row.tenant_id))
                )
                session.add(
                    AuditEvent(
                        tenant_id=row.tenant_id,
                        actor_id=SYSTEM_ACTOR,
                        action=f"replication.{req.status}",
                        object_type="replication",
                        object_id=row.id,
                        detail={"item_id": row.source_item_id, "variants": row.variant_content_ids},
                    )
                )
                await session.commit()
            return ReplicationResult(
                replication_id=row.id,
                status=row.status,
                variant_content_ids=list(row.variant_content_ids),
                rejected=req.rejected,
                auto_schedule=row.auto_schedule,
                calendar_entry_ids=list(row.calendar_entry_ids),
            )


async def _claim(session: AsyncSession, req: BeginReplication) -> Replication:
    query = select(Replication).where(
        Replication.tenant_id == req.tenant_id, Replication.source_item_id == req.hit.item_id
    )
    row = await session.scalar(query)
    if row is not None:
        return row
    row = Replication(
        tenant_id=req.tenant_id,
        account_id=req.account_id,
        source_item_id=req.hit.item_id,
        workflow_id=req.workflow_id,
        hit=req.hit.model_dump(mode="json"),
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        row = await session.scalar(query)
        if row is None:
            raise
    return row


async def _source_content(
    session: AsyncSession, tenant_id: str, item_id: str, item: DouyinItem | None
) -> tuple[Content | None, dict[str, Any]]:
    """Our content behind the item (through the item link or the publish), with its current body."""
    content_id = item.content_id if item else None
    if content_id is None:
        content_id = await session.scalar(
            select(Publish.content_id).where(Publish.tenant_id == tenant_id, Publish.item_id == item_id)
        )
    if content_id is None:
        return None, {}
    content = await session.scalar(
        select(Content).where(Content.tenant_id == tenant_id, Content.id == content_id)
    )
    if content is None:
        return None, {}
    version = await session.scalar(
        select(ContentVersion).where(
            ContentVersion.content_id == content.id, ContentVersion.version == content.current_version
        )
    )
    return content, dict(version.body) if version else {}


def _source(
    row: Replication, item: DouyinItem | None, content: Content | None, body: dict[str, Any]
) -> ReplicationSource:
    if content is not None:
        kind: ContentKind = content.kind
        title, topic = content.title, content.topic
    else:
        kind = "video_script" if item and item.media_type == VIDEO_MEDIA_TYPE else "image_post"
        title = item.title if item else ""
        topic = _topic_of(title)
    return ReplicationSource(
        replication_id=row.id,
        variant_content_ids=list(row.variant_content_ids),
        auto_schedule=row.auto_schedule,
        calendar_entry_ids=list(row.calendar_entry_ids),
        source_content_id=content.id if content else None,
        kind=kind,
        title=title or topic,
        topic=topic or title or "这条内容",
        platform=(content.platform if content and content.platform else "douyin"),
        body=body,
    )


def _topic_of(title: str) -> str:
    """A Douyin caption without its hashtags and @mentions, as a topic for new variants."""
    words = [w for w in title.split() if not w.startswith(("#", "@"))]
    return " ".join(words).split("#")[0].strip()[:60]


async def _recent_texts(session: AsyncSession, tenant_id: str, account_id: str) -> list[str]:
    """The account's recent item captions and the tenant's recent contents: what a variant must not repeat."""
    since = utcnow() - timedelta(days=RECENT_DAYS)
    captions = await session.scalars(
        select(DouyinItem.title)
        .where(
            DouyinItem.tenant_id == tenant_id,
            DouyinItem.account_id == account_id,
            DouyinItem.created_on_douyin >= since,
        )
        .order_by(DouyinItem.created_on_douyin.desc())
        .limit(RECENT_LIMIT)
    )
    bodies = await session.execute(
        select(ContentVersion.title, ContentVersion.body)
        .join(
            Content,
            (Content.id == ContentVersion.content_id) & (Content.current_version == ContentVersion.version),
        )
        .where(Content.tenant_id == tenant_id, Content.created_at >= since)
        .order_by(Content.created_at.desc())
        .limit(RECENT_LIMIT)
    )
    texts = [t for t in captions if t]
    texts += [f"{title}\n{_flatten(body)}"[:TEXT_LIMIT] for title, body in bodies]
    return texts


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_flatten(v) for k, v in value.items() if k not in ("platform", "formula", "request"))
    if isinstance(value, list):
        return "\n".join(_flatten(v) for v in value)
    return ""


def _finish(row: Replication, req: FinishReplication) -> None:
    row.status = req.status
    row.variant_content_ids = list(req.variant_content_ids)
    row.rejected = [r.model_dump() for r in req.rejected]
    row.hook = req.hook.model_dump() if req.hook else {}
    if req.schedule is not None:
        row.auto_schedule = req.schedule.status
        row.auto_schedule_reason = req.schedule.reason
        row.calendar_entry_ids = list(req.schedule.entry_ids)
    else:
        row.auto_schedule = "not_requested"
    row.finished_at = utcnow()


def _notification(row: Replication, req: FinishReplication, zone: ZoneInfo) -> Notification:
    ratio = float(row.hit.get("ratio", 0))
    if req.status == "done":
        title = f"爆款复制：已生成 {len(req.variant_content_ids)} 条变体草稿"
        body = (
            f"作品 {row.source_item_id} 的表现是账号基线的 {ratio:.1f} 倍，已按其钩子结构生成变体，请审核。"
            + _schedule_text(req, zone)
        )
    else:
        title = "爆款复制未完成"
        body = f"作品 {row.source_item_id} 被判定为爆款，但没有生成可用的变体。"
    return Notification(
        tenant_id=row.tenant_id,
        kind="viral_replication",
        title=title,
        body=body,
        link=f"/api/v1/replications/{row.id}",
        object_id=row.id,
    )


def _schedule_text(req: FinishReplication, zone: ZoneInfo) -> str:
    """What auto-scheduling did, so the operator knows the calendar changed (or why it did not)."""
    schedule = req.schedule
    if schedule is None:
        return ""
    if schedule.status == "failed":
        return f"自动排期未完成：{schedule.reason}"
    first = min(schedule.run_at).astimezone(zone).strftime("%Y-%m-%d %H:%M") if schedule.run_at else ""
    text = (
        f"已自动排入内容日历 {len(schedule.entry_ids)} 条，最早于 {first} 发布，发布前可在日历中调整或删除。"
    )
    text += f"（未排期：{schedule.reason}）" if schedule.reason else ""
    if schedule.warnings:
        text += f"其中 {len(schedule.warnings)} 条需先经审核批准，未批准时到点跳过发布。"
    return text
