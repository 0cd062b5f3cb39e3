"""Steps shared by the generation workflows: compliance check, images and saving to content-center."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from douflow.temporal import policies
    from douflow.temporal.search import CONTENT_ID
    from models.brands import BrandContext, BrandQuery
    from models.content import Actor, ContentEdit, NewContent, SavedContent
    from models.generation import Brief, ComplianceReport, ComplianceRequest, GeneratedImage, ImageRequest
    from workflows import calls

# Generations since this patch may be written with a brand profile, loaded before agent-center is called.
BRAND_PROFILE = "generation-loads-brand-profile"

# Labels and enums, not text a reader sees, and the account's own past post a title cites: never worth a
# compliance finding.
_NOT_TEXT = frozenset(
    {
        "formula",
        "platform",
        "script_type",
        "shot_size",
        "camera_movement",
        "storage_key",
        "pattern",
        "evidence",
    }
)


def text_fields(value: Any, path: str = "") -> dict[str, str]:
    """Flattens a result into field path → text, the shape the compliance check reports on."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        if value.strip():
            found[path] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                found.update(text_fields(item, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(text_fields(item, f"{path}[{index}]"))
    return found


def mark_content(content_id: str) -> None:
    """Makes the run findable by content in the Temporal UI."""
    workflow.upsert_search_attributes([CONTENT_ID.value_set(content_id)])


async def load_brand(actor: Actor, brief: Brief) -> BrandContext | None:
    """The current version of the brand the request names, pinned in the history; None without one."""
    if brief.brand_id is None or not workflow.patched(BRAND_PROFILE):
        return None
    query = BrandQuery(tenant_id=actor.tenant_id, brand_id=brief.brand_id, product=brief.product)
    return await calls.content(ContentCenter.load_brand, query, policies.BRAND_READ)


async def check_compliance(result: Any) -> ComplianceReport:
    request = ComplianceRequest(fields=text_fields(result))
    return await calls.agent(AgentCenter.check_compliance, request, policies.COMPLIANCE)


async def draw_image(request: ImageRequest) -> GeneratedImage:
    """One image of a post, stored in the media store by agent-center; only its key comes back."""
    return await calls.agent(AgentCenter.create_image, request, policies.IMAGE)


async def save_new_content(new: NewContent, brand: BrandContext | None = None) -> SavedContent:
    """Saves the draft, recording the brand version it was written with."""
    if brand is not None:
        new = new.model_copy(update={"brand_id": brand.brand_id, "brand_version": brand.version})
    return await calls.content(ContentCenter.save_new_content, new, policies.CONTENT_WRITE)


async def save_content_edit(edit: ContentEdit) -> SavedContent:
    return await calls.content(ContentCenter.save_content_edit, edit, policies.CONTENT_WRITE)
