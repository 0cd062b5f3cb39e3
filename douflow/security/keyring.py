"""Keys that can be rotated: several readable, one written, each ciphertext naming the key it was made with.

A setting holds either one key (the common case) or, during a rotation, several as `id:key,id:key`;
a second setting names the id that encrypts. Every key is 32 random bytes in URL-safe base64, which is
what `Fernet.generate_key()` prints, so one command makes a key for either box.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_KEY_ID = "k1"
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")


@dataclass(frozen=True, repr=False)
class KeyRing:
    """Raw keys by id; `current` encrypts, every key decrypts."""

    keys: Mapping[str, bytes]
    current: str

    @property
    def current_key(self) -> bytes:
        return self.keys[self.current]

    def __repr__(self) -> str:
        return f"KeyRing(ids={sorted(self.keys)}, current={self.current!r})"


def parse_keyring(text: str, current: str, setting: str) -> KeyRing:
    """The ring a setting describes; errors name the setting and the key id, never key material."""
    if not _KEY_ID.match(current):
        raise ValueError(f"{setting}_ID must be 1-32 letters, digits or . _ -")
    entries = [part.strip() for part in text.split(",") if part.strip()]
    if not entries:
        raise ValueError(f"{setting} is empty: give a key (Fernet.generate_key()) or leave it unset")
    if len(entries) == 1 and ":" not in entries[0]:
        return KeyRing({current: decode_key(entries[0], setting, current)}, current)
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, key = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ValueError(f"{setting} must be one key or id:key pairs separated by commas")
        if key_id in keys:
            raise ValueError(f"{setting} names key id {key_id!r} twice")
        keys[key_id] = decode_key(key, setting, key_id)
    if current not in keys:
        raise ValueError(f"{setting}_ID {current!r} is not one of the ids in {setting}")
    return KeyRing(keys, current)


def decode_key(text: str, setting: str, key_id: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip().translate(str.maketrans("-_", "+/")), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{setting}: key {key_id!r} must be {KEY_BYTES} bytes in URL-safe base64")
    return raw


def encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()
