"""Bound Douyin accounts: what the account routes answer (tokens never appear)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models.douyin_accounts import CustomerServiceReadiness


class BindStarted(BaseModel):
    authorize_url: str
    expires_at: datetime


class AccountView(BaseModel):
    """An account as operators see it; tokens never appear here."""

    id: str
    open_id: str
    nickname: str
    avatar: str
    account_role: str
    scopes: list[str]
    health: str
    status_reason: str | None
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    renewals_left: int
    bound_at: datetime
    unbound_at: datetime | None
    token_workflow_id: str
    # Whether customer conversations (private messages, comments) can run on it, and what is missing.
    customer_service: CustomerServiceReadiness
