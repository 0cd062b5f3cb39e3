"""The caller's tenant and its policies: what the tenant routes take and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.gateway_bff.schemas.field_rules import at_least_one
from api.gateway_bff.schemas.request_body import RequestBody


class TenantView(BaseModel):
    id: str
    slug: str
    name: str
    timezone: str
    approval_required: bool = Field(description="contents are published only once a reviewer approved them")
    ai_declaration: bool = Field(description="generated contents end their text with Douyin's AI declaration")


class TenantPatch(RequestBody):
    model_config = ConfigDict(json_schema_extra=at_least_one("approval_required", "ai_declaration"))

    approval_required: bool | None = None
    ai_declaration: bool | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> TenantPatch:
        if self.approval_required is None and self.ai_declaration is None:
            raise ValueError("nothing to change: send approval_required or ai_declaration")
        return self
