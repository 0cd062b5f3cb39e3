"""What the BFF builds once at start-up and shares with every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from douflow.media import LocalMediaStore
from douflow.security.tokens import TokenService
from douflow.settings import Settings
from douflow.temporal.codec import EncryptionCodec


@dataclass
class BffState:
    settings: Settings
    temporal: Client
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tokens: TokenService
    media: LocalMediaStore
    codec: EncryptionCodec
