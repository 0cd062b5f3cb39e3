"""The one body every error answer of the API carries, whatever its status."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="where: a body field's dotted path, or a parameter's name")
    message: str


class Error(BaseModel):
    """`detail` says what to fix in words, `code` says it for programs; the rest appear where they apply."""

    detail: str
    code: str = Field(
        description="invalid_request, invalid_json, invalid_value, idempotency_key_reused, not_found, "
        "conflict, already_published, approval_required, forbidden, http_error, payload_too_large, quota_exceeded, "
        "too_many_requests, unprocessable, upload_too_large, workflow_failed, ..."
    )
    errors: list[FieldError] | None = Field(default=None, description="each invalid field (invalid_request)")
    error_type: str | None = Field(default=None, description="the failed activity's error type (502)")
    workflow_id: str | None = Field(default=None, description="the workflow that failed (502)")
    publish_id: str | None = Field(
        default=None, description="the live publish in the way (already_published)"
    )
    used_bytes: int | None = Field(default=None, description="media bytes the tenant holds (quota_exceeded)")
    quota_bytes: int | None = Field(
        default=None, description="media bytes the tenant may hold (quota_exceeded)"
    )
