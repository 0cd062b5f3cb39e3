"""Viral replication contracts (seed 9): the workflow's input and result and what its activities exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.content import ContentKind
from models.generation import ComplianceReport, GeneratedImage
from models.metrics import Hit

ReplicationStatus = Literal["running", "done", "failed"]
AutoSchedule = Literal["not_requested", "requested", "scheduled", "failed"]


class ReplicationInput(BaseModel):
    tenant_id: str
    account_id: str
    hit: Hit
    variant_count: int = Field(default=3, ge=1, le=10)
    similarity_threshold: float = Field(default=0.6, gt=0, le=1)
    auto_schedule: bool = False


class BeginReplication(BaseModel):
    tenant_id: str
    account_id: str
    workflow_id: str
    hit: Hit


class ReplicationSource(BaseModel):
    """What content-center knows of the hit, and the account's recent texts a variant must not repeat."""

    replication_id: str
    already_done: bool = False
    variant_content_ids: list[str] = Field(default_factory=list)
    auto_schedule: AutoSchedule = "not_requested"
    calendar_entry_ids: list[str] = Field(default_factory=list)
    source_content_id: str | None = None
    kind: ContentKind
    title: str
    topic: str
    platform: str = "douyin"
    body: dict[str, Any] = Field(default_factory=dict)
    recent_texts: list[str] = Field(default_factory=list)


class VariantRequest(BaseModel):
    tenant_id: str
    kind: ContentKind
    source_title: str
    topic: str
    body: dict[str, Any] = Field(default_factory=dict)
    count: int = Field(default=3, ge=1, le=10)
    avoid_texts: list[str] = Field(default_factory=list)
    similarity_threshold: float = Field(default=0.6, gt=0, le=1)


class HookPattern(BaseModel):
    """What made the source work and every variant keeps: its title formula, length and body shape."""

    formula: str
    title_length: int
    body_lines: int = 0
    body_length: int = 0


class Variant(BaseModel):
    title: str
    formula: str
    kind: ContentKind
    body: dict[str, Any]


class RejectedVariant(BaseModel):
    title: str
    reason: str


class VariantResult(BaseModel):
    hook: HookPattern
    variants: list[Variant]
    rejected: list[RejectedVariant] = Field(default_factory=list)


class CheckedVariant(BaseModel):
    content_id: str
    variant: Variant
    compliance: ComplianceReport
    images: list[GeneratedImage] = Field(default_factory=list, description="drawn for an image post")


class ScheduleVariants(BaseModel):
    """Saved variants to plan on the source's account, one calendar entry each."""

    tenant_id: str
    replication_id: str
    account_id: str
    content_ids: list[str]


class VariantSchedule(BaseModel):
    """The calendar entries the variants got (or why none could be made)."""

    status: Literal["scheduled", "failed"]
    entry_ids: list[str] = Field(default_factory=list)
    run_at: list[datetime] = Field(default_factory=list)
    reason: str | None = None
    # Planned anyway, but held back when they fire unless approved by then (the tenant requires approval).
    warnings: list[str] = Field(default_factory=list)


class FinishReplication(BaseModel):
    tenant_id: str
    replication_id: str
    status: ReplicationStatus
    hook: HookPattern | None = None
    variant_content_ids: list[str] = Field(default_factory=list)
    rejected: list[RejectedVariant] = Field(default_factory=list)
    auto_schedule: bool = False
    schedule: VariantSchedule | None = None


class ReplicationResult(BaseModel):
    replication_id: str
    status: ReplicationStatus
    variant_content_ids: list[str] = Field(default_factory=list)
    rejected: list[RejectedVariant] = Field(default_factory=list)
    auto_schedule: AutoSchedule = "not_requested"
    calendar_entry_ids: list[str] = Field(default_factory=list)
    duplicate: bool = Field(default=False, description="the hit had been replicated before; nothing new")
