"""Contracts of media housekeeping: removing uploads that were never attached to a content."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class MediaCleanupInput(BaseModel):
    """The schedule's run: uploads attached to nothing for longer than this are removed."""

    grace_hours: float = Field(gt=0)


class UnattachedMedia(BaseModel):
    """One batch: uploads attached to nothing that arrived before `older_than`, oldest first."""

    older_than: datetime
    limit: int = Field(default=200, ge=1, le=1000)


class RemovedMedia(BaseModel):
    removed: int = 0
    freed_bytes: int = 0
    # The batch was full: more may be waiting.
    more: bool = False


class MediaCleanupResult(BaseModel):
    removed: int = 0
    freed_bytes: int = 0
    batches: int = 0
