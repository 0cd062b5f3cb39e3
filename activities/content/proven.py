"""content-center's read of an account's proven posts for title generation (seed 1)."""

from __future__ import annotations

from temporalio import activity

from activities.content.store import ContentStore
from douflow.content.proven_posts import account_posts, proven_patterns
from models.proven import ProvenPatterns, ProvenQuery


class ProvenActivities(ContentStore):
    """What an account's own top posts teach its next titles."""

    @activity.defn
    async def load_proven_patterns(self, query: ProvenQuery) -> ProvenPatterns:
        """Read once per run and pinned in its history, so a replay writes with the same patterns."""
        async with self._sessionmaker() as session:
            posts = await account_posts(session, query.tenant_id, query.account_id)
        return proven_patterns(query.account_id, posts)
