"""The knowledge base (seed 10, 11): the questions customers ask and the tenant's answers, which the
customer-service bot answers from (`ContentCenter.search_knowledge`). Operators and admins write; everyone
of the tenant reads, and `q` ranks entries as the bot's lookup does, so an operator sees what it would find."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep
from api.gateway_bff.errors import Conflict, NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.knowledge import (
    TAG_MAX,
    KnowledgeEntryIn,
    KnowledgeEntryView,
    KnowledgePage,
    KnowledgePatch,
)
from douflow.content.brands import BrandRepository
from douflow.content.knowledge import EntryFields, KnowledgeRepository
from douflow.db.tables import KnowledgeEntry

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"], route_class=GuardedRoute)
MAX_OFFSET = 100_000


def _view(entry: KnowledgeEntry, score: float | None = None) -> KnowledgeEntryView:
    return KnowledgeEntryView(
        id=entry.id,
        question=entry.question,
        variants=list(entry.variants),
        answer=entry.answer,
        tags=list(entry.tags),
        enabled=entry.enabled,
        brand_id=entry.brand_id,
        version=entry.version,
        created_by=entry.created_by,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        score=None if score is None else round(score, 4),
    )


async def _load(repo: KnowledgeRepository, knowledge_id: str) -> KnowledgeEntry:
    entry = await repo.get(knowledge_id)
    if entry is None:
        raise NotFound(f"knowledge entry {knowledge_id} not found")
    return entry


async def _check_brand(session: SessionDep, tenant_id: str, brand_id: str | None) -> None:
    if brand_id is not None and await BrandRepository(session, tenant_id).get(brand_id) is None:
        raise Unprocessable(f"brand_id {brand_id} is not a brand of this tenant")


@router.get("")
async def list_knowledge(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="ranks entries by it")] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=TAG_MAX)] = None,
    enabled: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> KnowledgePage:
    """The tenant's entries, oldest first; with `q`, only those matching it, best first, with their score."""
    repo = KnowledgeRepository(session, user.tenant_id)
    scored: list[tuple[KnowledgeEntry, float | None]]
    if q is not None:
        found = await repo.search(q, tag=tag)
        scored = [(e, s) for e, s in found if enabled is None or e.enabled == enabled]
    else:
        entries = await repo.entries(tag=tag)
        scored = [(e, None) for e in entries if enabled is None or e.enabled == enabled]
    page = scored[offset : offset + limit]
    return KnowledgePage(items=[_view(e, s) for e, s in page], total=len(scored), limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(422))
async def create_knowledge(body: KnowledgeEntryIn, user: Operator, session: SessionDep) -> KnowledgeEntryView:
    """An entry at version 1."""
    await _check_brand(session, user.tenant_id, body.brand_id)
    entry = await KnowledgeRepository(session, user.tenant_id).create(
        EntryFields(
            question=body.question,
            answer=body.answer,
            variants=body.variants,
            tags=body.tags,
            enabled=body.enabled,
            brand_id=body.brand_id,
        ),
        user.user_id,
    )
    await session.commit()
    return _view(entry)


@router.get("/{knowledge_id}")
async def get_knowledge(knowledge_id: str, user: CurrentUser, session: SessionDep) -> KnowledgeEntryView:
    """One entry."""
    return _view(await _load(KnowledgeRepository(session, user.tenant_id), knowledge_id))


@router.patch("/{knowledge_id}", responses=answers(409, 422))
async def update_knowledge(
    knowledge_id: str, patch: KnowledgePatch, user: Operator, session: SessionDep
) -> KnowledgeEntryView:
    """Changes the fields sent (`enabled: false` takes the entry out of the bot's lookups); one version
    later. With `base_version`, a 409 if someone changed the entry since that version."""
    repo = KnowledgeRepository(session, user.tenant_id)
    entry = await _load(repo, knowledge_id)
    base = patch.base_version if patch.base_version is not None else entry.version
    if base != entry.version:
        raise Conflict(
            f"knowledge entry {knowledge_id} is at version {entry.version}, not {base}; read it again"
        )
    sent = patch.model_fields_set
    brand_id = patch.brand_id if "brand_id" in sent else entry.brand_id
    if "brand_id" in sent:
        await _check_brand(session, user.tenant_id, brand_id)
    fields = EntryFields(
        question=patch.question if patch.question is not None else entry.question,
        answer=patch.answer if patch.answer is not None else entry.answer,
        variants=patch.variants if patch.variants is not None else entry.variants,
        tags=patch.tags if patch.tags is not None else entry.tags,
        enabled=patch.enabled if patch.enabled is not None else entry.enabled,
        brand_id=brand_id,
    )
    if not await repo.update(entry, fields, base):
        raise Conflict(f"knowledge entry {knowledge_id} was changed at the same time; read it and try again")
    await session.commit()
    return _view(entry)


@router.delete("/{knowledge_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_knowledge(knowledge_id: str, user: Operator, session: SessionDep) -> None:
    """Removes the entry (to keep it but stop the bot using it, PATCH `enabled: false`)."""
    repo = KnowledgeRepository(session, user.tenant_id)
    await repo.delete(await _load(repo, knowledge_id))
    await session.commit()
