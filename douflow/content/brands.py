"""Tenant-scoped brand profiles and their versions; flushes but never commits (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.db.tables import Brand, BrandVersion, DouyinAccount
from models.brands import BrandContext, BrandProfile, Product


@dataclass(frozen=True)
class StoredBrand:
    """A brand with the profile of the version asked for."""

    brand: Brand
    version: BrandVersion

    @property
    def profile(self) -> BrandProfile:
        return BrandProfile.model_validate(self.version.profile)

    def context(self, product: str | None) -> BrandContext:
        """The version as a generation uses it: the named product (a brand without products takes
        any name), else the brand's first."""
        profile = self.profile
        if product is None:
            chosen = next(iter(profile.products), None)
        else:
            chosen = profile.product(product) or (None if profile.products else Product(name=product))
        return BrandContext(
            brand_id=self.brand.id, version=self.version.version, profile=profile, product=chosen
        )


def generation_problem(stored: StoredBrand | None, brand_id: str, product: str | None) -> str | None:
    """Why a generation cannot use the brand (unknown, archived, product not the brand's), or None."""
    if stored is None:
        return f"brand {brand_id} not found"
    if stored.brand.archived_at is not None:
        return f"brand {brand_id} is archived"
    profile = stored.profile
    if product is not None and profile.products and profile.product(product) is None:
        known = "、".join(p.name for p in profile.products)
        return f"brand {brand_id} has no product '{product}' (its products: {known})"
    return None


class BrandRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def get(self, brand_id: str, version: int | None = None) -> StoredBrand | None:
        """The brand at `version` (its current one when None), archived or not."""
        brand = await self._session.scalar(
            select(Brand).where(Brand.id == brand_id, Brand.tenant_id == self._tenant_id)
        )
        if brand is None:
            return None
        row = await self._version(brand.id, version or brand.current_version)
        return StoredBrand(brand, row) if row is not None else None

    async def page(
        self, *, include_archived: bool, limit: int, offset: int
    ) -> tuple[Sequence[StoredBrand], int]:
        conditions = [Brand.tenant_id == self._tenant_id]
        if not include_archived:
            conditions.append(Brand.archived_at.is_(None))
        total = await self._session.scalar(select(func.count()).select_from(Brand).where(*conditions))
        rows = await self._session.execute(
            select(Brand, BrandVersion)
            .join(
                BrandVersion,
                (BrandVersion.brand_id == Brand.id) & (BrandVersion.version == Brand.current_version),
            )
            .where(*conditions)
            .order_by(Brand.name, Brand.id)
            .limit(limit)
            .offset(offset)
        )
        return [StoredBrand(brand, version) for brand, version in rows.all()], int(total or 0)

    async def versions(self, brand_id: str) -> Sequence[BrandVersion]:
        rows = await self._session.scalars(
            select(BrandVersion)
            .where(BrandVersion.tenant_id == self._tenant_id, BrandVersion.brand_id == brand_id)
            .order_by(BrandVersion.version)
        )
        return rows.all()

    async def create(self, profile: BrandProfile, user_id: str) -> StoredBrand:
        brand = Brand(tenant_id=self._tenant_id, name=profile.name, current_version=1, created_by=user_id)
        self._session.add(brand)
        await self._session.flush()
        return StoredBrand(brand, await self._append(brand, profile, user_id))

    async def update(self, brand: Brand, profile: BrandProfile, user_id: str) -> StoredBrand:
        """A new version; earlier ones stay as they were, for the drafts written with them."""
        brand.current_version += 1
        brand.name = profile.name
        return StoredBrand(brand, await self._append(brand, profile, user_id))

    def archive(self, brand: Brand, when: datetime) -> None:
        if brand.archived_at is None:
            brand.archived_at = when

    async def for_account(self, account_id: str) -> BrandContext | None:
        """The current brand whose profile names the account, if one does: what the account's messages,
        replies and suggestions speak for."""
        brands, _ = await self.page(include_archived=False, limit=100, offset=0)
        return next((b.context(None) for b in brands if account_id in b.profile.account_ids), None)

    async def unknown_accounts(self, account_ids: Sequence[str]) -> list[str]:
        """The ids that are not Douyin accounts of this tenant."""
        if not account_ids:
            return []
        known = set(
            await self._session.scalars(
                select(DouyinAccount.id).where(
                    DouyinAccount.tenant_id == self._tenant_id, DouyinAccount.id.in_(list(account_ids))
                )
            )
        )
        return [a for a in account_ids if a not in known]

    async def _version(self, brand_id: str, version: int) -> BrandVersion | None:
        return await self._session.scalar(
            select(BrandVersion).where(
                BrandVersion.tenant_id == self._tenant_id,
                BrandVersion.brand_id == brand_id,
                BrandVersion.version == version,
            )
        )

    async def _append(self, brand: Brand, profile: BrandProfile, user_id: str) -> BrandVersion:
        row = BrandVersion(
            tenant_id=self._tenant_id,
            brand_id=brand.id,
            version=brand.current_version,
            profile=profile.model_dump(mode="json"),
            created_by=user_id,
        )
        self._session.add(row)
        await self._session.flush()
        return row
