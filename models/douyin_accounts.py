"""Contracts of account binding, the token lifecycle and Douyin webhooks (ids and ciphertext only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AccountHealth = Literal["ok", "expiring", "needs_reconnect", "revoked", "unbound"]
# The statuses (and healths) in which an account's tokens may be used: every "can this account act?" asks this.
USABLE: frozenset[str] = frozenset({"ok", "expiring"})
# The statuses in which an account is held by its tenant: one tenant at a time holds an open_id so.
RELEASED: frozenset[str] = frozenset({"revoked", "unbound"})


class CustomerServiceReadiness(BaseModel):
    """Whether customer conversations can run on an account: private messages need `im.direct_message`;
    comments (`item.comment`) and like/follow events (`user.intention`) missing leave it partial."""

    ready: bool
    missing_scopes: list[str] = Field(default_factory=list)
    reason: str | None = None


class AccountRef(BaseModel):
    """Which account an activity acts for; credentials are looked up inside the connector, never carried."""

    model_config = ConfigDict(frozen=True)

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
        return self.status in USABLE


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
    """Unbind one account of a tenant, or revoke the accounts bound to an open_id (in one tenant, or all)."""

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
    """One webhook event for one tenant that holds the account it concerns."""

    tenant_id: str | None = None
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
