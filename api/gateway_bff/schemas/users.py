"""Users of a tenant: what the user routes take and answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from api.gateway_bff.schemas.auth import Password
from api.gateway_bff.schemas.field_rules import at_least_one
from api.gateway_bff.schemas.request_body import RequestBody
from douflow.security.tokens import Role


class NewUser(RequestBody):
    username: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9_.-]{2,64}$")]
    password: Password
    role: Role
    display_name: str = Field(default="", max_length=100)


class UserChange(RequestBody):
    """What an admin changes on a user; a field left out (or null) stays as it is."""

    model_config = ConfigDict(json_schema_extra=at_least_one("role", "disabled", "display_name"))

    role: Role | None = None
    disabled: bool | None = None
    display_name: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _changes_something(self) -> UserChange:
        if self.role is None and self.disabled is None and self.display_name is None:
            raise ValueError("nothing to change: give role, disabled or display_name")
        return self


class UserView(BaseModel):
    id: str
    username: str
    role: str
    display_name: str
    disabled: bool


class DirectoryEntry(BaseModel):
    """A colleague as any signed-in user of the tenant may see them: enough to pick an owner or a member,
    nothing more (no login name unless it is the only name they have)."""

    id: str
    display_name: str = Field(description="the user's display name, or their username when they have none")
    role: str
    active: bool
