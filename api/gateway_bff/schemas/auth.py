"""Login, logout, password change and the current user: what the auth routes take and answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody

# Argon2 hashes whatever it is given; the length bound keeps one request's hashing cost fixed.
Password = Annotated[str, Field(min_length=8, max_length=128)]
GivenPassword = Annotated[str, Field(min_length=1, max_length=128)]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    user_id: str
    tenant_id: str
    username: str
    role: str


class PasswordChange(RequestBody):
    current_password: GivenPassword
    new_password: Password
