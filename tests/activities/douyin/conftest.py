"""Reuse the sandbox fixtures of tests/douyin_sandbox (one server per session, reset per test)."""

from tests.douyin_sandbox.conftest import (  # noqa: F401
    douyin_client,
    douyin_http,
    douyin_sandbox,
    douyin_sandbox_server,
    enterprise_tokens,
)
