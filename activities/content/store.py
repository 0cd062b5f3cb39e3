"""What every content-center activity shares: a database session per call, which is its unit of work, and
the media store, and the knowledge indexes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.content.contract import ContentCenter
from douflow.content.knowledge_search import DEFAULT_MIN_SCORE, KnowledgeIndexCache
from douflow.media import LocalMediaStore


class ContentStore(ContentCenter):
    """The base of content-center's activity groups (one per area); `ContentActivities` joins them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        media: LocalMediaStore | None = None,
        knowledge_min_score: float = DEFAULT_MIN_SCORE,
        public_base_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self._sessionmaker = sessionmaker
        # The media store holding uploaded files, for the activities that remove them.
        self._media = media
        # Knowledge lookups: the bot answers only from a hit scoring this much; each tenant's index is
        # kept until its entries change.
        self._knowledge_min_score = knowledge_min_score
        self._knowledge_indexes = KnowledgeIndexCache()
        # Where customers open shared materials (PUBLIC_BASE_URL).
        self._public_base_url = public_base_url
