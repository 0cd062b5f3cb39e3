"""Brand profiles: what the brands routes answer (they take `models.brands.BrandProfile`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models.brands import BrandProfile


class BrandView(BaseModel):
    id: str
    version: int
    profile: BrandProfile
    archived: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


class BrandPage(BaseModel):
    items: list[BrandView]
    total: int
    limit: int
    offset: int


class BrandVersionView(BaseModel):
    version: int
    profile: BrandProfile
    created_by: str
    created_at: datetime
