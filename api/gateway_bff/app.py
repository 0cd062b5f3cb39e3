"""The gateway-bff: authenticates people and starts, queries and reads what the workflows produce."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from api.gateway_bff.access_log import redact_url_credentials
from api.gateway_bff.console import install_console
from api.gateway_bff.cors import PrefixCORSMiddleware
from api.gateway_bff.errors import install_error_handlers
from api.gateway_bff.live_hub import LiveHub
from api.gateway_bff.openapi_errors import install_error_contract
from api.gateway_bff.routers import (
    agents,
    approvals,
    auth,
    brands,
    calendar,
    codec,
    comments,
    contents,
    conversations,
    customers,
    dashboard,
    deals,
    douyin_accounts,
    douyin_webhook,
    events,
    generation,
    health,
    journeys,
    knowledge,
    material_pages,
    materials,
    media,
    metrics,
    notification_webhooks,
    notifications,
    publish,
    scoring_rules,
    suggestions,
    tasks,
    tenant,
    uploads,
    users,
    viral,
    workflows,
)
from api.gateway_bff.security_headers import SecurityHeaders
from api.gateway_bff.state import BffState
from api.gateway_bff.storable_text import document_storable_text, refuse_nul_text
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.media import LocalMediaStore
from douflow.security.login_throttle import LoginThrottle
from douflow.security.passwords import PasswordHashing
from douflow.security.tokens import StreamTickets, TokenService
from douflow.security.ttl_cache import TtlCache
from douflow.settings import Settings, get_settings
from douflow.temporal.client import connect_temporal
from douflow.temporal.codec import EncryptionCodec


def operation_id(route: APIRoute) -> str:
    """`{tag}_{function}`, so the console's generated client reads `generationGenerateTitles`; one word
    (FastAPI names a form body's schema `Body_{operation id}`, and schema names stay `\\w+`)."""
    tag = str(route.tags[0]) if route.tags else "default"
    return re.sub(r"\W+", "_", f"{tag}_{route.name}")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    redact_url_credentials()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, echo=settings.database_echo)
        sessionmaker = create_sessionmaker(engine)
        app.state.bff = BffState(
            settings=settings,
            temporal=await connect_temporal(settings),
            engine=engine,
            sessionmaker=sessionmaker,
            tokens=TokenService(
                settings.jwt_secret.get_secret_value(),
                settings.jwt_issuer,
                settings.jwt_audience,
                settings.access_token_minutes * 60,
            ),
            tickets=StreamTickets(
                settings.jwt_secret.get_secret_value(),
                settings.jwt_issuer,
                settings.jwt_audience,
                settings.live_events_ticket_seconds,
            ),
            live=LiveHub(
                sessionmaker,
                settings.live_events_poll_seconds,
                timedelta(hours=settings.live_events_retention_hours),
            ),
            media=LocalMediaStore(settings.media_dir),
            codec=EncryptionCodec(settings.payload_keyring),
            sessions=TtlCache(settings.session_check_cache_seconds),
            passwords=PasswordHashing(settings.password_hash_workers, settings.password_hash_queue),
            logins=LoginThrottle(
                settings.login_attempts_per_account,
                settings.login_attempts_per_address,
                settings.login_window_seconds,
            ),
        )
        app.state.bff.live.start()
        try:
            yield
        finally:
            await app.state.bff.live.close()
            app.state.bff.passwords.close()
            await engine.dispose()

    app = FastAPI(
        title="DouFlow gateway-bff",
        version="0.1.0",
        description="AI content and customer engagement for Douyin operators. Log in at /api/v1/auth/token.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        dependencies=[Depends(refuse_nul_text)],
    )
    install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    for router in (douyin_accounts, douyin_webhook):
        app.include_router(router.router)
    for router in (health, auth, users, generation, contents, workflows, media, uploads, publish, calendar):
        app.include_router(router.router)
    for router in (metrics, dashboard, viral, notifications, codec, approvals, tenant, brands, knowledge):
        app.include_router(router.router)
    for router in (conversations, agents, comments, suggestions, customers, scoring_rules, journeys):
        app.include_router(router.router)
    for router in (tasks, notification_webhooks, materials, material_pages, deals, events):
        app.include_router(router.router)
    app.include_router(generation.rules_router)
    install_error_contract(app)
    codec.document_namespace(app, settings.temporal_namespace)
    document_storable_text(app)
    app.add_middleware(PrefixCORSMiddleware, prefix=codec.PREFIX, origins=settings.codec_cors_origins)
    install_console(app, settings.web_dist_dir)
    return app
