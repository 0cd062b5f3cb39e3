"""Guessing passwords through the BFF: per-account and per-address limits, and a bounded Argon2 pool.

Each test runs a BFF of its own with tight limits, so its counts neither leak into nor come from the
session's shared BFF (every test client there shares one address).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.gateway_bff.app import create_app
from douflow.settings import Settings
from douflow.testing.servers import running_uvicorn
from tests.support.auth import create_user, login

WINDOW = 900


@pytest.fixture
async def bff(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    limits = {
        "login_attempts_per_account": 5,
        "login_attempts_per_address": 8,
        "login_window_seconds": WINDOW,
        "password_hash_workers": 1,
        "password_hash_queue": 1,
    }
    app = create_app(settings.model_copy(update=limits))
    async with running_uvicorn(app) as base_url, httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        yield app, http


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= WINDOW
    assert response.json()["code"] == "too_many_requests"


async def test_guessing_one_accounts_password_is_throttled(
    bff: tuple[FastAPI, httpx.AsyncClient], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, http = bff
    await create_user(sessionmaker, "throttle-account", "tara", "operator")
    await create_user(sessionmaker, "throttle-account", "theo", "operator")
    for _ in range(5):
        assert (await login(http, "throttle-account", "tara", "wrong-guess")).status_code == 401
    assert_throttled(await login(http, "throttle-account", "tara", "wrong-guess"))
    assert_throttled(await login(http, "throttle-account", "tara"))
    assert (await login(http, "throttle-account", "theo")).status_code == 200, "other accounts still log in"


async def test_one_address_guessing_across_accounts_is_throttled(
    bff: tuple[FastAPI, httpx.AsyncClient], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, http = bff
    await create_user(sessionmaker, "throttle-address", "ulla", "operator")
    for n in range(8):
        assert (await login(http, "throttle-address", f"guess{n}", "wrong-guess")).status_code == 401
    assert_throttled(await login(http, "throttle-address", "ulla"))


async def test_a_successful_login_clears_the_accounts_count(
    bff: tuple[FastAPI, httpx.AsyncClient], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, http = bff
    await create_user(sessionmaker, "throttle-reset", "vera", "operator")
    for _ in range(4):
        assert (await login(http, "throttle-reset", "vera", "typo")).status_code == 401
    assert (await login(http, "throttle-reset", "vera")).status_code == 200
    for _ in range(3):
        assert (await login(http, "throttle-reset", "vera", "typo")).status_code == 401
    assert (await login(http, "throttle-reset", "vera")).status_code == 200


async def test_wrong_current_passwords_count_towards_the_account_limit(
    bff: tuple[FastAPI, httpx.AsyncClient], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, http = bff
    await create_user(sessionmaker, "throttle-change", "wim", "operator")
    token = (await login(http, "throttle-change", "wim")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"current_password": "a-guess", "new_password": "new-password-1"}
    for _ in range(5):
        assert (await http.post("/api/v1/auth/password", json=body, headers=headers)).status_code == 400
    assert_throttled(await http.post("/api/v1/auth/password", json=body, headers=headers))
    assert_throttled(await login(http, "throttle-change", "wim"))


async def test_hashing_beyond_the_pool_answers_429_and_does_not_count(
    bff: tuple[FastAPI, httpx.AsyncClient], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    app, http = bff
    await create_user(sessionmaker, "throttle-pool", "xena", "operator")
    gate = threading.Event()
    pool = app.state.bff.passwords
    # The one thread and the one queue place, taken until the gate opens.
    held = [asyncio.ensure_future(pool.run(gate.wait, 30)) for _ in range(2)]
    try:
        await asyncio.sleep(0)
        for _ in range(6):
            busy = await login(http, "throttle-pool", "xena")
            assert busy.status_code == 429, busy.text
            assert busy.headers["retry-after"] == "1"
    finally:
        gate.set()
        await asyncio.gather(*held)
    assert (await login(http, "throttle-pool", "xena")).status_code == 200, "refused attempts did not count"
