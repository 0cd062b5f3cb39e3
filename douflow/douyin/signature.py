"""Webhook signatures: `X-Douyin-Signature` = lower-hex sha1(client_secret ‖ raw body) (no HMAC)."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return hashlib.sha1(secret.encode() + body).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time, case-insensitive; verify against the exact received bytes, not re-serialised JSON."""
    if not signature:
        return False
    presented = signature.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(sign(secret, body).encode(), presented)
