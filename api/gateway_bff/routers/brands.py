"""Brand profiles (seed 1-4): the facts generations are written with. Every update is a new version;
deleting archives, so the drafts written with a brand keep their reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.exc import IntegrityError

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep
from api.gateway_bff.errors import Conflict, NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.brands import BrandPage, BrandVersionView, BrandView
from douflow.content.brands import BrandRepository, StoredBrand
from douflow.db.base import utcnow
from models.brands import BrandProfile

router = APIRouter(prefix="/api/v1/brands", tags=["brands"], route_class=GuardedRoute)
MAX_OFFSET = 100_000


def _view(stored: StoredBrand) -> BrandView:
    brand = stored.brand
    return BrandView(
        id=brand.id,
        version=stored.version.version,
        profile=stored.profile,
        archived=brand.archived_at is not None,
        created_by=brand.created_by,
        created_at=brand.created_at,
        updated_at=brand.updated_at,
    )


async def _load(repo: BrandRepository, brand_id: str) -> StoredBrand:
    stored = await repo.get(brand_id)
    if stored is None:
        raise NotFound(f"brand {brand_id} not found")
    return stored


async def _check_accounts(repo: BrandRepository, profile: BrandProfile) -> None:
    unknown = await repo.unknown_accounts(profile.account_ids)
    if unknown:
        raise Unprocessable(f"account_ids {unknown} are not Douyin accounts of this tenant")


@router.get("")
async def list_brands(
    user: CurrentUser,
    session: SessionDep,
    include_archived: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> BrandPage:
    """The tenant's brands at their current version, by name."""
    repo = BrandRepository(session, user.tenant_id)
    items, total = await repo.page(include_archived=include_archived, limit=limit, offset=offset)
    return BrandPage(items=[_view(s) for s in items], total=total, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=answers(422))
async def create_brand(body: BrandProfile, user: Operator, session: SessionDep) -> BrandView:
    """A brand at version 1."""
    repo = BrandRepository(session, user.tenant_id)
    await _check_accounts(repo, body)
    stored = await repo.create(body, user.user_id)
    await session.commit()
    return _view(stored)


@router.get("/{brand_id}")
async def get_brand(brand_id: str, user: CurrentUser, session: SessionDep) -> BrandView:
    """The brand's current version (an archived brand too: drafts still name it)."""
    return _view(await _load(BrandRepository(session, user.tenant_id), brand_id))


@router.put("/{brand_id}", responses=answers(409, 422))
async def update_brand(brand_id: str, body: BrandProfile, user: Operator, session: SessionDep) -> BrandView:
    """Replaces the profile with a new version; drafts keep the version they were written with."""
    repo = BrandRepository(session, user.tenant_id)
    stored = await _load(repo, brand_id)
    if stored.brand.archived_at is not None:
        raise Conflict(f"brand {brand_id} is archived; create a new brand instead")
    await _check_accounts(repo, body)
    try:
        updated = await repo.update(stored.brand, body, user.user_id)
        await session.commit()
    except IntegrityError as exc:
        raise Conflict(f"brand {brand_id} was updated at the same time; read it and try again") from exc
    return _view(updated)


@router.delete("/{brand_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_brand(brand_id: str, user: Operator, session: SessionDep) -> None:
    """Archives the brand: new generations cannot use it, drafts written with it keep their reference."""
    repo = BrandRepository(session, user.tenant_id)
    stored = await _load(repo, brand_id)
    repo.archive(stored.brand, utcnow())
    await session.commit()


@router.get("/{brand_id}/versions")
async def list_brand_versions(
    brand_id: str, user: CurrentUser, session: SessionDep
) -> list[BrandVersionView]:
    """Every version of the brand, oldest first."""
    repo = BrandRepository(session, user.tenant_id)
    await _load(repo, brand_id)
    return [
        BrandVersionView(
            version=row.version,
            profile=BrandProfile.model_validate(row.profile),
            created_by=row.created_by,
            created_at=row.created_at,
        )
        for row in await repo.versions(brand_id)
    ]
