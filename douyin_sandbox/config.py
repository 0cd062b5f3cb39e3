"""Sandbox settings; every lifetime is in seconds so tests can shrink them to a second or two."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

MB = 1024 * 1024

DEFAULT_BANNED_WORDS = ["违禁", "加微信", "加V", "私聊领取", "赌博"]

DEFAULT_COMMENT_SENSITIVE_WORDS = ["微信", "vx", "VX", "加我", "二维码", "QQ", "违禁", "赌博"]

# Fields that describe the process, not the platform; they cannot change while it runs.
IMMUTABLE_FIELDS = frozenset({"state_file", "data_dir", "client_key", "client_secret"})


class SandboxConfig(BaseModel):
    """What the platform would configure in its console, plus knobs a test needs."""

    client_key: str = "douflow-dev-key"
    client_secret: str = Field(default="douflow-dev-secret", repr=False)
    # The console's "授权回调" domains: a redirect_uri's host must be one of these.
    redirect_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    app_scopes: list[str] = Field(
        default_factory=lambda: [
            "user_info",
            "video.create.bind",
            "video.list.bind",
            "video.data.bind",
            "item.comment",
            "im.direct_message",
            "user.intention",
            "renew_refresh_token",
            "trial.whitelist",
        ]
    )

    code_ttl: float = 600
    access_token_ttl: float = 1_296_000
    refresh_token_ttl: float = 2_592_000
    client_token_ttl: float = 7200
    client_token_grace: float = 300
    upload_id_ttl: float = 7200
    max_refresh_renewals: int = 5

    review_delay: float = 5.0
    banned_words: list[str] = Field(default_factory=lambda: list(DEFAULT_BANNED_WORDS))
    # Words refused synchronously by create_video / create_image_text (error 2111001).
    create_blocked_words: list[str] = Field(default_factory=list)
    time_scale: float = 1.0
    numbers_as_strings: bool = True

    simple_upload_max_bytes: int = 128 * MB
    min_part_bytes: int = 5 * MB
    max_video_bytes: int = 4096 * MB
    max_image_bytes: int = 20 * MB
    max_images_per_post: int = 30
    video_list_max_count: int = 20

    # Private messages: how long a customer's message can be answered, the proactive scene's daily
    # allowance per customer, a per-conversation send limit (28003018) and where the send reply puts msg_id.
    im_reply_window: float = 86_400
    im_proactive_daily_limit: int = 3
    im_conversation_max_sends: int = 100
    im_conversation_window: float = 60
    im_msg_id_placement: Literal["data", "top", "both"] = "data"

    # Comments: words `/item/comment/reply/` refuses with 2111001 (sensitive words), among them the ways off
    # the platform a public reply must not name.
    comment_sensitive_words: list[str] = Field(default_factory=lambda: list(DEFAULT_COMMENT_SENSITIVE_WORDS))
    comment_max_chars: int = 1000

    webhook_targets: list[str] = Field(default_factory=list)
    webhook_timeout: float = 5.0
    webhook_retries: int = 3
    webhook_backoff: float = 1.0

    state_file: Path | None = None
    data_dir: Path | None = None
