"""The local media store: keys, atomic writes and path-traversal safety."""

from __future__ import annotations

import hashlib
import re

import pytest

from douflow.media import InvalidMediaKey, LocalMediaStore


async def test_put_then_path_and_exists(media_store: LocalMediaStore) -> None:
    stored = await media_store.put(
        b"\x89PNG data", tenant_id="tenant-1", suffix=".png", mime_type="image/png"
    )
    assert re.fullmatch(r"tenant-1/\d{4}/[0-9a-f]{32}\.png", stored.key)
    assert (
        stored.size_bytes == len(b"\x89PNG data")
        and stored.sha256 == hashlib.sha256(b"\x89PNG data").hexdigest()
    )
    assert media_store.exists(stored.key)
    assert media_store.path(stored.key).read_bytes() == b"\x89PNG data"
    assert media_store.path(stored.key).is_relative_to(media_store.root)
    assert not list(media_store.root.rglob(".tmp-*")), "no temp files left behind"


async def test_every_put_gets_its_own_key(media_store: LocalMediaStore) -> None:
    first = await media_store.put(b"same", tenant_id="t", suffix=".png", mime_type="image/png")
    second = await media_store.put(b"same", tenant_id="t", suffix=".png", mime_type="image/png")
    assert first.key != second.key


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "/etc/passwd",
        "t/2025/../../../etc/passwd",
        "t/2025/" + "0" * 32 + ".png/../../x",
        "t\\2025\\" + "0" * 32 + ".png",
        "",
        "t/2025/notahexuuid.png",
    ],
)
def test_traversal_and_malformed_keys_are_refused(media_store: LocalMediaStore, key: str) -> None:
    with pytest.raises(InvalidMediaKey):
        media_store.path(key)
    assert not media_store.exists(key)


@pytest.mark.parametrize(
    ("tenant", "suffix"), [("../x", ".png"), ("a/b", ".png"), ("t", "/../x"), ("t", "png")]
)
async def test_put_refuses_unsafe_parts(media_store: LocalMediaStore, tenant: str, suffix: str) -> None:
    with pytest.raises(InvalidMediaKey):
        await media_store.put(b"x", tenant_id=tenant, suffix=suffix, mime_type="image/png")
