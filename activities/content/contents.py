"""content-center's writes of contents, versions and assets."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.content import approvals
from douflow.content.contents import ContentRepository
from douflow.db.tables import Content, ContentAsset, ContentVersion
from douflow.temporal.errors import CONTENT_NOT_FOUND, VERSION_CONFLICT
from models.content import ContentEdit, NewContent, SavedContent
from models.generation import GeneratedImage


class ContentsActivities(ContentStore):
    """Contents, their versions and assets (seed 1-4)."""

    @activity.defn
    async def save_new_content(self, new: NewContent) -> SavedContent:
        """Saves a generated content, its first version and its assets in one transaction.

        Idempotent by content id: a retry after a lost acknowledgement returns the stored row.
        """
        async with self._sessionmaker() as session:
            repo = ContentRepository(session, new.actor.tenant_id)
            existing = await repo.get(new.content_id, with_assets=True)
            if existing is not None:
                return _saved(existing, created=False)
            content = _content_row(new)
            repo.add(content)
            await session.flush()
            repo.add(_version_row(new.actor.tenant_id, content, new.body, "generated", new.actor.user_id))
            assets = [_asset_row(new, index, image) for index, image in enumerate(new.images)]
            for asset in assets:
                repo.add(asset)
            repo.audit(
                new.actor.user_id,
                "content.generated",
                "content",
                content.id,
                kind=new.kind,
                workflow_id=new.workflow_id,
                findings=len(new.compliance.findings),
                brand_id=new.brand_id,
                brand_version=new.brand_version,
            )
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                stored = await repo.get(new.content_id, with_assets=True)
                if stored is None:
                    raise
                return _saved(stored, created=False)
            return SavedContent(
                content_id=content.id, version=1, asset_ids=[a.id for a in assets], created=True
            )

    @activity.defn
    async def save_content_edit(self, edit: ContentEdit) -> SavedContent:
        """Appends a version (history is never rewritten) and updates status, under an optimistic lock."""
        async with self._sessionmaker() as session:
            repo = ContentRepository(session, edit.actor.tenant_id)
            content = await repo.get(edit.content_id)
            if content is None:
                raise ApplicationError("content not found", type=CONTENT_NOT_FOUND, non_retryable=True)
            already = await _edit_already_applied(repo, content, edit)
            if already is not None:
                return already
            if edit.base_version is not None and edit.base_version != content.current_version:
                raise ApplicationError(
                    f"content is at version {content.current_version}, edit was based on {edit.base_version}",
                    type=VERSION_CONFLICT,
                    non_retryable=True,
                )
            if edit.title is not None or edit.body is not None:
                current = await repo.version(content.id, content.current_version)
                assert current is not None
                title = edit.title if edit.title is not None else current.title
                body = edit.body if edit.body is not None else current.body
                content.current_version += 1
                content.title = title
                repo.add(_version_row(content.tenant_id, content, body, "edited", edit.actor.user_id))
                _void_approval(repo, content, edit)
            if edit.compliance is not None:
                content.compliance = edit.compliance.model_dump()
            if edit.status is not None:
                content.status = edit.status
            repo.audit(
                edit.actor.user_id,
                "content.edited",
                "content",
                content.id,
                version=content.current_version,
                status=content.status,
            )
            await session.commit()
            return SavedContent(content_id=content.id, version=content.current_version, created=True)


def _void_approval(repo: ContentRepository, content: Content, edit: ContentEdit) -> None:
    """An approval (or a pending review) was of the old text: the new version goes back to draft."""
    voided = approvals.reset_after_edit(content)
    if voided is not None:
        repo.audit(
            edit.actor.user_id,
            "approval.reset",
            "content",
            content.id,
            was=voided,
            version=content.approval_version,
            edited_to=content.current_version,
        )


async def _edit_already_applied(
    repo: ContentRepository, content: Content, edit: ContentEdit
) -> SavedContent | None:
    """A retried edit whose first attempt committed must not append a second version."""
    if edit.base_version is None or content.current_version != edit.base_version + 1:
        return None
    latest = await repo.version(content.id, content.current_version)
    if latest is None or latest.created_by != edit.actor.user_id or latest.change != "edited":
        return None
    same_title = edit.title is None or latest.title == edit.title
    same_body = edit.body is None or latest.body == edit.body
    if same_title and same_body:
        return SavedContent(content_id=content.id, version=content.current_version, created=False)
    return None


def _content_row(new: NewContent) -> Content:
    return Content(
        id=new.content_id,
        tenant_id=new.actor.tenant_id,
        kind=new.kind,
        status="draft",
        title=new.title[:200],
        topic=new.topic[:200],
        platform=new.platform,
        current_version=1,
        workflow_id=new.workflow_id,
        source_content_id=new.source_content_id,
        created_by=new.actor.user_id,
        compliance=new.compliance.model_dump(),
        brand_id=new.brand_id,
        brand_version=new.brand_version,
    )


def _version_row(
    tenant_id: str, content: Content, body: dict[str, Any], change: str, user_id: str
) -> ContentVersion:
    return ContentVersion(
        tenant_id=tenant_id,
        content_id=content.id,
        version=content.current_version,
        title=content.title,
        body=body,
        change=change,
        created_by=user_id,
    )


def _asset_row(new: NewContent, index: int, image: GeneratedImage) -> ContentAsset:
    return ContentAsset(
        tenant_id=new.actor.tenant_id,
        content_id=new.content_id,
        role="cover" if index == 0 else "image",
        position=index,
        storage_key=image.storage_key,
        mime_type=image.mime_type,
        size_bytes=image.size_bytes,
        width=image.width,
        height=image.height,
        source=image.source,
        description=image.description,
        caption=image.caption,
        created_by=new.actor.user_id,
    )


def _saved(content: Content, *, created: bool) -> SavedContent:
    return SavedContent(
        content_id=content.id,
        version=content.current_version,
        asset_ids=[a.id for a in content.assets],
        created=created,
    )
