"""content-center's reads of brand profiles for the generation workflows."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.content.store import ContentStore
from douflow.content.brands import BrandRepository, generation_problem
from douflow.temporal.errors import BRAND_UNUSABLE
from models.brands import BrandContext, BrandQuery


class BrandActivities(ContentStore):
    """Brand profiles (seed 1-4): what a generation is written with."""

    @activity.defn
    async def load_brand(self, query: BrandQuery) -> BrandContext:
        """The brand's current version; it is pinned in the run's history, so a retry writes the same."""
        async with self._sessionmaker() as session:
            stored = await BrandRepository(session, query.tenant_id).get(query.brand_id)
            problem = generation_problem(stored, query.brand_id, query.product)
            if problem is not None or stored is None:
                raise ApplicationError(problem or "brand not found", type=BRAND_UNUSABLE, non_retryable=True)
            return stored.context(query.product)
