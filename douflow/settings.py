"""One settings object for every process, read from the environment (prefix-free names, see .env.example)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from douflow.content.knowledge_search import DEFAULT_MIN_SCORE
from douflow.security.keyring import DEFAULT_KEY_ID, KeyRing, decode_key, parse_keyring

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"
# Fernet key (urlsafe base64 of 32 bytes); development only, refused in production.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="
# AES-256-GCM key of Temporal payloads (32 bytes, urlsafe base64); development only, refused in production.
DEV_PAYLOAD_KEY = "ZGV2LW9ubHktdGVtcG9yYWwtcGF5bG9hZC1rZXktMzI="
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

    # Errors never echo the input: it holds the secrets.
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
    # The built operator console (`make web`: web/dist) that the BFF serves at `/`.
    web_dist_dir: Path = Path("web/dist")
    bff_sync_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    # Largest request body of a JSON route; uploads and the webhook have their own limits.
    max_json_body_bytes: int = Field(default=1024**2, ge=1024, le=64 * 1024**2)

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "douflow"
    # Tokens name this audience and the BFF accepts no other, so a token minted for another service
    # signed with the same key is refused here.
    jwt_audience: str = "douflow-api"
    access_token_minutes: int = Field(default=120, ge=1, le=24 * 60)
    # A login session lasts at most this long from its login however often it is refreshed
    # (`POST /api/v1/auth/refresh`); between refreshes it ends once its last token expires (the idle limit).
    session_max_hours: float = Field(default=12, gt=0, le=24 * 30)
    # Live updates (`GET /api/v1/events`): how often the BFF's one poller reads new events, the comment sent
    # on a quiet stream (which is also when the stream rechecks its login session), how long an event may be
    # replayed by Last-Event-ID before it is pruned, and how long a stream ticket may be used to connect.
    live_events_poll_seconds: float = Field(default=0.3, ge=0.05, le=5)
    live_events_keepalive_seconds: float = Field(default=15, gt=0, le=300)
    live_events_retention_hours: float = Field(default=24, gt=0, le=24 * 30)
    live_events_ticket_seconds: int = Field(default=60, ge=5, le=3600)
    # Token box and payload codec keys: one key, or "id:key,id:key" while rotating (every key decrypts,
    # the *_KEY_ID one encrypts); see douflow/security/keyring.py.
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
    encryption_key_id: str = DEFAULT_KEY_ID
    payload_key: SecretStr = SecretStr(DEV_PAYLOAD_KEY)
    payload_key_id: str = DEFAULT_KEY_ID
    # The tenant whose admins and operators run the platform: the only people the codec endpoint decodes
    # for, since one Temporal namespace holds every tenant's runs (unset: the demo tenant in development,
    # nobody in production). Browser origins of the Temporal UI allowed to call the codec endpoint.
    platform_tenant: str | None = None
    codec_cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"]
    )

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
    # What one tenant's stored media (uploads and generated images) may take; an upload past it is a 413.
    media_quota_bytes: int = Field(default=50 * 1024**3, ge=1)
    # Uploads still attached to no content this long after they arrived are removed by the hourly cleanup
    # schedule, which is created paused when asked (for tests; it then runs only when triggered).
    media_unattached_grace_hours: float = Field(default=24, gt=0, le=24 * 365)
    media_cleanup_schedule_paused: bool = False

    douyin_base_url: str = "http://127.0.0.1:8090"
    douyin_client_key: str = DEV_DOUYIN_CLIENT_KEY
    douyin_client_secret: SecretStr = SecretStr(DEV_DOUYIN_CLIENT_SECRET)
    douyin_sandbox_port: int = 8090
    # Webhooks: the largest body taken (refused before it is hashed), and how old an event may be when it
    # arrives (by the send time in its log_id): the platform retries a delivery 3 times, so anything older
    # is a replay and is acknowledged without being acted on.
    douyin_webhook_max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024**2)
    douyin_webhook_max_age_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # Account binding: scopes asked for (losing one later needs a reconnect), optional ones Douyin's
    # consent page lets the person untick (scope → pre-ticked; customer conversations need them, and a
    # personal account binds without `im.direct_message`), the callback path under PUBLIC_BASE_URL, and
    # where a browser lands after.
    douyin_scopes: list[str] = Field(
        default_factory=lambda: [
            "user_info",
            "video.create.bind",
            "video.list.bind",
            "video.data.bind",
            "renew_refresh_token",
        ]
    )
    douyin_optional_scopes: dict[str, bool] = Field(
        default_factory=lambda: {"im.direct_message": True, "item.comment": True, "user.intention": True}
    )
    douyin_oauth_callback_path: str = "/api/v1/douyin/oauth/callback"
    douyin_bind_return_url: str | None = None
    # Publishing: concurrent Douyin calls per account per connector process; upload split (the
    # platform recommends parts above 50 MB, 20 MB each, and requires them above 128 MB).
    douyin_account_concurrency: int = Field(default=4, ge=1, le=64)
    douyin_simple_upload_threshold_bytes: int = Field(default=50 * 1024**2, ge=1, le=128 * 1024**2)
    douyin_upload_chunk_bytes: int = Field(default=20 * 1024**2, ge=1)
    max_image_upload_bytes: int = Field(default=20 * 1024**2, ge=1)
    # Most pixels an uploaded image may declare (Pillow's own warning threshold, about 9459×9459): a few KiB of
    # PNG can declare more than anything that decodes it could hold.
    max_image_pixels: int = Field(default=89_478_485, ge=1, le=178_956_970)
    # Content calendar: the least time between two planned publishes of one account, and how late a
    # due publish may still start after an outage (older ones are reported missed, never fired in a burst).
    calendar_min_spacing_minutes: float = Field(default=10, ge=0, le=24 * 60)
    calendar_catchup_minutes: int = Field(default=240, ge=1, le=7 * 24 * 60)
    # Viral replication: auto-scheduled variants go out no sooner than this after they were made,
    # leaving operators time to review (or delete) them in the calendar.
    replication_schedule_delay_minutes: float = Field(default=60, ge=0, le=30 * 24 * 60)
    # Approval before publish: reviewers are reminded of a content still waiting for them this often.
    approval_reminder_hours: float = Field(default=24, gt=0, le=30 * 24)
    # Metrics: each bound account's sync schedule is created paused (it then syncs only when asked,
    # from the API or by unpausing it in Temporal); for tests and for deployments that sync elsewhere.
    metrics_schedule_paused: bool = False
    # Publishes a run left under review or unconfirmed are settled from Douyin by a schedule this often,
    # once untouched this long; created paused when asked (tests start sweeps themselves).
    publish_sweep_minutes: int = Field(default=15, ge=1, le=24 * 60)
    publish_sweep_stale_minutes: int = Field(default=30, ge=1, le=30 * 24 * 60)
    publish_sweep_paused: bool = False
    # Customer conversations: messages arriving within the debounce of each other get one bot answer; a
    # conversation quiet for the idle time closes (the next message reopens it); a send whose outcome is
    # unknown waits this long for Douyin's im_send_msg echo before it is shown as unconfirmed.
    conversation_debounce_seconds: float = Field(default=2.0, ge=0, le=60)
    conversation_idle_close_hours: float = Field(default=24, gt=0, le=30 * 24)
    conversation_echo_wait_seconds: float = Field(default=60, gt=0, le=3600)
    # A handed-off conversation goes round-robin to an available agent holding fewer than the cap; if no person
    # takes it over within the queue timeout, the customer is told (once) that a person will answer.
    conversation_agent_cap: int = Field(default=20, ge=1, le=1000)
    conversation_queue_timeout_minutes: float = Field(default=5, gt=0, le=24 * 60)
    # A long conversation continues as new (a fresh history, its state carried) after this many customer messages.
    conversation_continue_after_messages: int = Field(default=500, ge=1, le=10_000)
    conversation_queue_message: str = Field(
        default="当前咨询的客户较多，客服看到后会尽快回复您，请稍候～", min_length=1, max_length=200
    )
    # Lead capture: the bot asks a customer of high intent for contact details at most this many times per
    # conversation, and not again within the cooldown after an ask or a refusal (0: the next high-intent answer).
    conversation_lead_max_asks: int = Field(default=2, ge=0, le=10)
    conversation_lead_cooldown_hours: float = Field(default=24, ge=0, le=30 * 24)
    # Review dashboard (seed 18): a conversation is credited to the customer's last engagement with one of the
    # account's items (a comment, a like) within this many days before it opened, else it is "unattributed";
    # a conversation meets the SLA when its customer's first message got a reply (bot or person) within this.
    funnel_attribution_days: int = Field(default=7, ge=0, le=90)
    conversation_sla_seconds: int = Field(default=60, ge=1, le=7 * 86400)
    # Customer service: the bot answers from the best knowledge-base entry only when it scores at least
    # this (0..1; bench/knowledge_retrieval.py measures the trade-off), else it hands off to a person.
    knowledge_min_score: float = Field(default=DEFAULT_MIN_SCORE, ge=0, le=1)
    # Comments on the accounts' items: triaged and answered in public (or invited to private messages)
    # automatically; when off, each comment is only stored and the tenant's agents are told.
    comment_auto_reply: bool = True
    # Follow-up tasks: the owner is reminded this long before the due time (the tenant's admins are told when
    # it passes); a hot lead's task is due this long after the crossing, a handoff nobody can take this long
    # after it.
    task_reminder_minutes: float = Field(default=30, ge=0, le=7 * 24 * 60)
    task_hot_lead_due_minutes: float = Field(default=60, gt=0, le=30 * 24 * 60)
    task_handoff_due_minutes: float = Field(default=30, gt=0, le=30 * 24 * 60)
    # Group-robot webhooks: notifications arriving within this window go out as one message; targets must be
    # https on public addresses unless private (and plain http) targets are allowed, which they are by default
    # outside production (a local receiver in development and tests).
    notify_digest_seconds: float = Field(default=60, ge=0, le=3600)
    notify_webhook_allow_private: bool | None = None
    # Customer journeys: Douyin's proactive scene (im_authorize_message) reaches an authorised customer once a
    # day; journeys together send at most this many proactive messages per customer per day (each tenant also
    # caps all journey messages per customer per day: tenants.journey_daily_cap).
    journey_proactive_daily_limit: int = Field(default=1, ge=0, le=3)

    @model_validator(mode="after")
    def _check_secrets(self) -> Settings:
        problems = secret_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_dev(self) -> bool:
        return self.douflow_env != "production"

    @property
    def webhook_private_allowed(self) -> bool:
        allowed = self.notify_webhook_allow_private
        return self.is_dev if allowed is None else allowed

    @property
    def token_keyring(self) -> KeyRing:
        return parse_keyring(self.encryption_key.get_secret_value(), self.encryption_key_id, "ENCRYPTION_KEY")

    @property
    def payload_keyring(self) -> KeyRing:
        return parse_keyring(self.payload_key.get_secret_value(), self.payload_key_id, "PAYLOAD_KEY")

    @property
    def codec_tenant(self) -> str | None:
        """Slug of the tenant whose staff may decode payloads (PLATFORM_TENANT, or the demo tenant in dev)."""
        return self.platform_tenant or (self.demo_tenant if self.is_dev else None)


def _holds(ring: KeyRing, dev_key: str) -> bool:
    return decode_key(dev_key, "dev", "dev") in ring.keys.values()


def secret_problems(settings: Settings) -> list[str]:
    """What is wrong with the configured secrets; names the variables, never their values."""
    problems = []
    for key, key_id, name in (
        (settings.encryption_key, settings.encryption_key_id, "ENCRYPTION_KEY"),
        (settings.payload_key, settings.payload_key_id, "PAYLOAD_KEY"),
    ):
        try:
            parse_keyring(key.get_secret_value(), key_id, name)
        except ValueError as exc:
            problems.append(str(exc))
    if len(settings.jwt_secret.get_secret_value()) < MIN_JWT_SECRET_LENGTH:
        problems.append(f"JWT_SECRET must be at least {MIN_JWT_SECRET_LENGTH} characters")
    if settings.douflow_env == "production" and not problems:
        problems.extend(_development_defaults(settings))
    return problems


def _development_defaults(settings: Settings) -> list[str]:
    defaults = {
        "JWT_SECRET": settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET,
        "ENCRYPTION_KEY": _holds(settings.token_keyring, DEV_ENCRYPTION_KEY),
        "PAYLOAD_KEY": _holds(settings.payload_keyring, DEV_PAYLOAD_KEY),
        "DOUYIN_CLIENT_SECRET": settings.douyin_client_secret.get_secret_value()
        in (DEV_DOUYIN_CLIENT_SECRET, ""),
        "DOUFLOW_DEMO_PASSWORD": settings.douflow_demo_password.get_secret_value() == DEV_DEMO_PASSWORD,
    }
    refused = [name for name, is_default in defaults.items() if is_default]
    if not refused:
        return []
    return [f"production refuses development defaults (or empty values) for: {', '.join(refused)}"]


@lru_cache
def get_settings() -> Settings:
    return Settings()
