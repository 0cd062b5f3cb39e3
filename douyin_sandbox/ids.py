"""Identifier shapes copied from platform samples, so client code meets realistic values."""

from __future__ import annotations

import base64
import secrets
import string
import time

_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _token(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(20)}{secrets.token_urlsafe(6)}"


def access_token() -> str:
    return _token("act")


def refresh_token() -> str:
    return _token("rft")


def client_token() -> str:
    return _token("clt")


def auth_code() -> str:
    return secrets.token_hex(20)


def opaque_at_id(nbytes: int = 64) -> str:
    """`@…==` ids (item_id, image_id, upload_id); 64 bytes gives the `==` padding seen in samples."""
    return "@" + base64.b64encode(secrets.token_bytes(nbytes)).decode()


def video_id() -> str:
    return "v0200f" + "".join(secrets.choice(_LOWER_ALNUM) for _ in range(26))


def numeric_id() -> str:
    return str(7_000_000_000_000_000_000 + secrets.randbelow(10**18))


# The platform's log ids begin with the time in Beijing (UTC+8), whatever the receiver's zone.
BEIJING_OFFSET_SECONDS = 8 * 3600


def log_id(now: float) -> str:
    """A log id stamped with the sandbox clock's `now` in Beijing time, as the platform's are
    (its documented `202008121419360101…` came with `now` 1597213176, 06:19:36 UTC)."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + BEIJING_OFFSET_SECONDS))
    return stamp + secrets.token_hex(10).upper()


def challenge() -> int:
    return secrets.randbelow(10**9)
