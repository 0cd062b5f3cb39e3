"""content-center's knowledge lookups for the customer-service bot."""

from __future__ import annotations

from temporalio import activity

from activities.content.store import ContentStore
from douflow.content.knowledge import KnowledgeRepository, searchable
from douflow.content.knowledge_search import KnowledgeIndex
from models.knowledge import KnowledgeHits, KnowledgeQuery


class KnowledgeActivities(ContentStore):
    """The knowledge base (seed 10, 11): what the bot may answer a customer with."""

    @activity.defn
    async def search_knowledge(self, query: KnowledgeQuery) -> KnowledgeHits:
        """Ranks the tenant's enabled entries; the index is rebuilt only when an entry changed since."""
        async with self._sessionmaker() as session:
            repo = KnowledgeRepository(session, query.tenant_id)
            stamp = await repo.stamp()
            index = self._knowledge_indexes.get(query.tenant_id, stamp)
            if index is None:
                index = KnowledgeIndex([searchable(e) for e in await repo.entries(enabled_only=True)])
                self._knowledge_indexes.put(query.tenant_id, stamp, index)
        return index.search(query.text, query.limit, self._knowledge_min_score)
