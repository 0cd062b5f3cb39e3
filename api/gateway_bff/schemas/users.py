"""Users of a tenant: what the user routes take and answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.gateway_bff.schemas.request_body import RequestBody
from douflow.security.tokens import Role


class NewUser(RequestBody):
    username: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9_.-]{2,64}$")]
    password: str = Field(min_length=8, max_length=128)
    role: Role
    display_name: str = Field(default="", max_length=100)


class UserView(BaseModel):
    id: str
    username: str
    role: str
    display_name: str
