"""Contracts of account binding, the token lifecycle and Douyin webhooks (ids and ciphertext only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

AccountHealth = Literal["ok", "expiring", "needs_reconnect", "revoked", "unbound"]


class AccountRef(BaseModel):
    tenant_id: str
    account_id: str


class BindingInput(BaseModel):
    """The authorization code travels encrypted (SecretBox), so workflow history never holds it."""

    tenant_id: str
    user_id: str
    state: str
    code_enc: str = Field(repr=False)


class ExchangedTokens(BaseModel):
    """The result of the code exchange; both tokens are SecretBox ciphertext."""

    open_id: str
    union_id: str | None = None
    scopes: list[str]
    access_token_enc: str = Field(repr=False)
    refresh_token_enc: str = Field(default="", repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime | None = None


class DouyinProfile(BaseModel):
    nickname: str = ""
    avatar: str = ""
    account_role: str = ""
    union_id: str | None = None


class AccountToSave(BaseModel):
    tenant_id: str
    user_id: str
    tokens: ExchangedTokens
    workflow_id: str


class SavedAccount(BaseModel):
    account_id: str
    open_id: str
    created: bool
    rebound: bool = False


class ProfileUpdate(BaseModel):
    account: AccountRef
    profile: DouyinProfile


class BindingResult(BaseModel):
    account_id: str
    open_id: str
    nickname: str
    scopes: list[str]
    created: bool


class TokenStatus(BaseModel):
    """The token workflow's view of an account: expiries and status, never a token."""

    status: str
    status_reason: str | None = None
    access_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    renewals_left: int = 0

    @property
    def usable(self) -> bool:
        return self.status in ("ok", "expiring")


class TokenPlan(BaseModel):
    """When the next refresh and renewal are due; carried across continue-as-new."""

    access_due: datetime | None = None
    renew_due: datetime | None = None


class AccountTokenInput(BaseModel):
    tenant_id: str
    account_id: str
    plan: TokenPlan | None = None
    refreshes: int = 0


class AccountTokenResult(BaseModel):
    account_id: str
    status: str
    reason: str | None = None
    refreshes: int = 0


class Deactivation(BaseModel):
    """Unbind one account of a tenant, or revoke every account bound to an open_id (webhook)."""

    status: Literal["unbound", "revoked"]
    reason: str
    actor_id: str
    tenant_id: str | None = None
    account_id: str | None = None
    open_id: str | None = None


class DeactivatedAccounts(BaseModel):
    account_ids: list[str] = Field(default_factory=list)


class UnbindInput(BaseModel):
    tenant_id: str
    account_id: str
    user_id: str


class UnbindResult(BaseModel):
    account_id: str
    changed: bool


class DouyinEventInput(BaseModel):
    msg_id: str
    event: str
    from_user_id: str = ""
    to_user_id: str = ""
    content: Any = None


class DouyinEventResult(BaseModel):
    msg_id: str
    event: str
    handled: bool
    account_ids: list[str] = Field(default_factory=list)
