"""What every content-center activity shares: a database session per call, which is its unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.content.contract import ContentCenter


class ContentStore(ContentCenter):
    """The base of content-center's activity groups (one per area); `ContentActivities` joins them."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
