"""`make run`'s banner says which agent provider writes the content and where it points, never with a key."""

from __future__ import annotations

from pathlib import Path

from douflow.devrun import banner, console_environment
from tests.conftest import make_settings


def test_banner_names_the_offline_writer_and_how_to_use_a_model(tmp_path: Path) -> None:
    text = banner(make_settings(tmp_path, "sqlite+aiosqlite://", "127.0.0.1:7233"))
    assert "Agent provider         : template (offline writer; set AGENT_PROVIDER=openai" in text


def test_banner_names_the_model_endpoint_without_credentials(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        "sqlite+aiosqlite://",
        "127.0.0.1:7233",
        agent_provider="openai",
        openai_base_url="https://user:hunter2@api.deepseek.com/v1?token=t0ps3cret",
        openai_api_key="sk-very-secret",
        openai_model="deepseek-chat",
    )
    text = banner(settings)
    assert "Agent provider         : openai at https://api.deepseek.com/v1, model deepseek-chat" in text
    assert not any(secret in text for secret in ("sk-very-secret", "hunter2", "t0ps3cret", "user:"))


def test_banner_names_openai_itself_when_no_base_url_is_set(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite+aiosqlite://", "127.0.0.1:7233", agent_provider="openai")
    assert "openai at https://api.openai.com/v1, model gpt-4o-mini" in banner(settings)


def test_banner_names_the_console_first(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite+aiosqlite://", "127.0.0.1:7233", public_base_url="http://h:9")
    lines = [line for line in banner(settings).splitlines() if line.startswith("  ")]
    assert lines[0] == "  Console                : http://h:9/"
    assert "make web" in banner(settings, console_built=False).splitlines()[2]


def test_a_binding_comes_back_to_the_console_when_it_is_built(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite+aiosqlite://", "127.0.0.1:7233", public_base_url="http://h:9/")
    assert console_environment(settings, console_built=True) == {
        "DOUYIN_BIND_RETURN_URL": "http://h:9/accounts"
    }
    assert console_environment(settings, console_built=False) == {}
    chosen = make_settings(
        tmp_path, "sqlite+aiosqlite://", "127.0.0.1:7233", douyin_bind_return_url="https://ops.example/bound"
    )
    assert console_environment(chosen, console_built=True) == {}
