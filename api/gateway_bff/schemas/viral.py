"""Viral replication: what the replication routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ReplicationView(BaseModel):
    id: str
    account_id: str
    source_item_id: str
    source_content_id: str | None
    workflow_id: str
    status: str
    hit: dict[str, Any]
    hook: dict[str, Any]
    variant_content_ids: list[str]
    rejected: list[dict[str, Any]]
    auto_schedule: str
    auto_schedule_reason: str | None
    calendar_entry_ids: list[str]
    created_at: datetime
    finished_at: datetime | None
