"""One settings object for every process, read from the environment (prefix-free names, see .env.example)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"
# Fernet key (urlsafe base64 of 32 bytes); development only, refused in production.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="
DEV_DEMO_PASSWORD = "douflow-demo"
DEV_DOUYIN_CLIENT_KEY = "douflow-dev-key"
DEV_DOUYIN_CLIENT_SECRET = "douflow-dev-secret"
MIN_JWT_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Configuration of the BFF, the worker and the dev runner.

    Defaults are the embedded development setup; `DOUFLOW_ENV=production` refuses every
    development secret so a forgotten variable cannot ship a known key. Every secret is checked
    when the settings are built, so a process with a bad one stops at start-up, not on first use.
    """

    # A refused setting must not print the environment it was read from: that holds the secrets.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    douflow_env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path(".data")

    database_url: str = "sqlite+aiosqlite:///.data/douflow.db"
    database_echo: bool = False

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_port: int = 8233
    # Prefix for task queue names so several test sessions or deployments can share one server.
    task_queue_prefix: str = ""

    bff_host: str = "127.0.0.1"
    bff_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    bff_sync_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "douflow"
    # Tokens name this audience and the BFF accepts no other, so a token minted for another service
    # signed with the same key is refused here.
    jwt_audience: str = "douflow-api"
    access_token_minutes: int = Field(default=120, ge=1, le=24 * 60)
    # How long the BFF trusts its last look at a login session (logged out, user disabled or demoted
    # take effect within this); 0 reads the database on every request.
    session_check_cache_seconds: float = Field(default=5, ge=0, le=5)
    # Login throttling (per BFF process): attempts allowed per account and per client address within the
    # window; one more answers 429 with Retry-After until the oldest counted attempt leaves the window.
    login_attempts_per_account: int = Field(default=5, ge=1, le=1000)
    login_attempts_per_address: int = Field(default=50, ge=1, le=100_000)
    login_window_seconds: int = Field(default=900, ge=1, le=24 * 3600)
    # Argon2 threads of a BFF process and how many hashings may wait for them (more answer 429).
    password_hash_workers: int = Field(default=2, ge=1, le=64)
    password_hash_queue: int = Field(default=8, ge=0, le=10_000)
    encryption_key: SecretStr = SecretStr(DEV_ENCRYPTION_KEY)

    demo_tenant: str = "demo"
    douflow_demo_password: SecretStr = SecretStr(DEV_DEMO_PASSWORD)

    agent_provider: Literal["template", "openai"] = "template"
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=60.0, gt=0)
    image_base_url: str | None = None
    image_api_key: SecretStr | None = None
    image_model: str = "gpt-image-1"
    media_dir: Path = Path(".data/media")
    max_upload_bytes: int = 4 * 1024**3

    douyin_base_url: str = "http://127.0.0.1:8090"
    douyin_client_key: str = DEV_DOUYIN_CLIENT_KEY
    douyin_client_secret: SecretStr = SecretStr(DEV_DOUYIN_CLIENT_SECRET)
    douyin_sandbox_port: int = 8090
    # Account binding: scopes asked for (losing one later needs a reconnect), optional ones
    # (scope → pre-ticked), the callback path under PUBLIC_BASE_URL, and where a browser lands after.
    douyin_scopes: list[str] = Field(
        default_factory=lambda: [
            "user_info",
            "video.create.bind",
            "video.list.bind",
            "video.data.bind",
            "renew_refresh_token",
        ]
    )
    douyin_optional_scopes: dict[str, bool] = Field(default_factory=dict)
    douyin_oauth_callback_path: str = "/api/v1/douyin/oauth/callback"
    douyin_bind_return_url: str | None = None
    # Publishing: concurrent Douyin calls per account per connector process; upload split (the
    # platform recommends parts above 50 MB, 20 MB each, and requires them above 128 MB).
    douyin_account_concurrency: int = Field(default=4, ge=1, le=64)
    douyin_simple_upload_threshold_bytes: int = Field(default=50 * 1024**2, ge=1, le=128 * 1024**2)
    douyin_upload_chunk_bytes: int = Field(default=20 * 1024**2, ge=1)
    max_image_upload_bytes: int = Field(default=20 * 1024**2, ge=1)
    # Content calendar: the least time between two planned publishes of one account, and how late a
    # due publish may still start after an outage (older ones are reported missed, never fired in a burst).
    calendar_min_spacing_minutes: float = Field(default=10, ge=0, le=24 * 60)
    calendar_catchup_minutes: int = Field(default=240, ge=1, le=7 * 24 * 60)
    # Viral replication: auto-scheduled variants go out no sooner than this after they were made,
    # leaving operators time to review (or delete) them in the calendar.
    replication_schedule_delay_minutes: float = Field(default=60, ge=0, le=30 * 24 * 60)
    # Metrics: each bound account's sync schedule is created paused (it then syncs only when asked,
    # from the API or by unpausing it in Temporal); for tests and for deployments that sync elsewhere.
    metrics_schedule_paused: bool = False

    @model_validator(mode="after")
    def _check_secrets(self) -> Settings:
        problems = secret_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_dev(self) -> bool:
        return self.douflow_env != "production"


def secret_problems(settings: Settings) -> list[str]:
    """What is wrong with the configured secrets; names the variables, never their values."""
    problems = []
    if not _is_fernet_key(settings.encryption_key.get_secret_value()):
        problems.append("ENCRYPTION_KEY is not a Fernet key (urlsafe base64 of 32 bytes, see .env.example)")
    if len(settings.jwt_secret.get_secret_value()) < MIN_JWT_SECRET_LENGTH:
        problems.append(f"JWT_SECRET must be at least {MIN_JWT_SECRET_LENGTH} characters")
    if settings.douflow_env == "production":
        problems.extend(_development_defaults(settings))
    return problems


def _development_defaults(settings: Settings) -> list[str]:
    defaults = {
        "JWT_SECRET": settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET,
        "ENCRYPTION_KEY": settings.encryption_key.get_secret_value() == DEV_ENCRYPTION_KEY,
        "DOUYIN_CLIENT_SECRET": settings.douyin_client_secret.get_secret_value()
        in (DEV_DOUYIN_CLIENT_SECRET, ""),
        "DOUFLOW_DEMO_PASSWORD": settings.douflow_demo_password.get_secret_value() == DEV_DEMO_PASSWORD,
    }
    refused = [name for name, is_default in defaults.items() if is_default]
    if not refused:
        return []
    return [f"production refuses development defaults (or empty values) for: {', '.join(refused)}"]


def _is_fernet_key(key: str) -> bool:
    try:
        Fernet(key.encode())
    except ValueError:  # binascii.Error (bad base64) is a ValueError too
        return False
    return True


@lru_cache
def get_settings() -> Settings:
    return Settings()
