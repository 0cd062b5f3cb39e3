"""Login and the current user: what the auth routes answer."""

from __future__ import annotations

from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    user_id: str
    tenant_id: str
    username: str
    role: str
