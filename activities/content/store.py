"""What every content-center activity shares: a database session per call, which is its unit of work, and
the media store."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.content.contract import ContentCenter
from douflow.media import LocalMediaStore


class ContentStore(ContentCenter):
    """The base of content-center's activity groups (one per area); `ContentActivities` joins them."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], media: LocalMediaStore | None = None
    ) -> None:
        self._sessionmaker = sessionmaker
        # The media store holding uploaded files, for the activities that remove them.
        self._media = media
