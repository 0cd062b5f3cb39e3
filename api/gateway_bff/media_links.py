"""Links to a tenant's stored images and videos that an `<img>` or `<video>` can open.

A browser sends no bearer header for them, so each link carries its own proof, like an object store's
presigned URL: an HMAC of the tenant, the asset and the expiry under a key derived from JWT_SECRET. Links
made within the same hour are the same link, so the browser's cache serves a picture again; each is good
for one to two hours, and the API answers fresh ones with every read.
"""

from __future__ import annotations

import hashlib
import hmac

LINK_SECONDS = 3600
_PURPOSE = b"douflow media links"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def signature(secret: str, tenant_id: str, asset_id: str, expires: int) -> str:
    message = f"{tenant_id}\n{asset_id}\n{expires}".encode()
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def media_link(secret: str, tenant_id: str, asset_id: str, now: float) -> str:
    """The asset's file, openable without a header until the end of the hour after next."""
    expires = (int(now) // LINK_SECONDS + 2) * LINK_SECONDS
    return f"/api/v1/media/{asset_id}/file?expires={expires}&signature={signature(secret, tenant_id, asset_id, expires)}"


def link_holds(secret: str, tenant_id: str, asset_id: str, expires: int, given: str, now: float) -> bool:
    return expires > now and hmac.compare_digest(signature(secret, tenant_id, asset_id, expires), given)
