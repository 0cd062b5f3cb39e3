"""`create_app(config)`: wires routers, envelopes for errors and the runtime's lifecycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from douyin_sandbox import (
    admin,
    chat_page,
    comment_admin,
    comment_routes,
    data_routes,
    im_admin,
    im_routes,
    oauth_routes,
    video_routes,
)
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.envelopes import (
    SandboxApiError,
    classic_error,
    oauth_error,
    request_now,
    sandbox_error_handler,
)
from douyin_sandbox.runtime import SandboxRuntime
from douyin_sandbox.store import SandboxStore

logger = logging.getLogger(__name__)


async def _validation_handler(request: Request, exc: Exception) -> Response:
    """Platform paths answer bad input with a business code, never FastAPI's 422."""
    assert isinstance(exc, RequestValidationError)
    path = request.url.path
    if path.startswith("/oauth/"):
        return JSONResponse(oauth_error(10002, "参数错误", now=request_now(request)))
    if path.startswith("/api/"):
        return JSONResponse(classic_error(28001007, "参数不合法", now=request_now(request)))
    return await request_validation_exception_handler(request, exc)


def create_app(config: SandboxConfig | None = None) -> FastAPI:
    config = config or SandboxConfig()
    store = SandboxStore(config.state_file, config.data_dir)
    runtime = SandboxRuntime(config=config, initial_config=config.model_copy(deep=True), store=store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info("douyin sandbox ready (client_key=%s)", config.client_key)
        try:
            yield
        finally:
            await runtime.webhooks.aclose()
            store.close()

    app = FastAPI(title="Douyin Open Platform sandbox", lifespan=lifespan)
    app.state.runtime = runtime
    app.add_exception_handler(SandboxApiError, sandbox_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    for module in (oauth_routes, video_routes, data_routes, im_routes, comment_routes):
        app.include_router(module.router)
    app.include_router(admin.router)
    app.include_router(im_admin.router)
    app.include_router(comment_admin.router)
    app.include_router(admin.platform_router)
    app.include_router(chat_page.router)
    return app
