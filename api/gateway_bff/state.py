"""What the BFF builds once at start-up and shares with every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.gateway_bff.live_hub import LiveHub
from douflow.login_sessions import Standing
from douflow.media import LocalMediaStore
from douflow.security.login_throttle import LoginThrottle
from douflow.security.passwords import PasswordHashing
from douflow.security.tokens import StreamTickets, TokenService
from douflow.security.ttl_cache import TtlCache
from douflow.settings import Settings
from douflow.temporal.codec import EncryptionCodec


@dataclass
class BffState:
    settings: Settings
    temporal: Client
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tokens: TokenService
    # Tickets opening the live event stream, and the one poller feeding every stream of this process.
    tickets: StreamTickets
    live: LiveHub
    media: LocalMediaStore
    codec: EncryptionCodec
    # Session id → its user's standing, trusted for SESSION_CHECK_CACHE_SECONDS (one BFF process each).
    sessions: TtlCache[str, Standing]
    passwords: PasswordHashing
    # Login attempts per account and per client address, counted in this process only.
    logins: LoginThrottle
