"""The payload codec: every payload a DouFlow process hands Temporal is encrypted (AES-256-GCM) at rest.

Inputs, results, signals, queries, memos, summaries and (with the failure converter that encodes
attributes) failure messages reach the server as `binary/encrypted` payloads carrying the id of the key
that wrote them, so several keys stay readable while one writes (PAYLOAD_KEY, PAYLOAD_KEY_ID).
Payloads that are not ours (recorded before the codec, or written by another SDK's converter) pass
through decoding untouched. Workflow ids and search attributes are never payloads: they stay readable.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from douflow.security.keyring import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
# Where the BFF serves the codec server protocol; the Temporal UI and CLI are given this endpoint.
SERVER_PATH = "/api/v1/codec"


class PayloadDecryptionError(ValueError):
    """A payload of ours that these keys cannot open: an unknown key id, or data altered at rest."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, ring: KeyRing) -> None:
        self._current = ring.current
        self._ciphers = {key_id: AESGCM(raw) for key_id, raw in ring.keys.items()}

    @property
    def current_key_id(self) -> str:
        return self._current

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) if is_encrypted(p) else p for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self._current.encode()
        sealed = self._ciphers[self._current].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        key_id = payload.metadata.get(KEY_ID, b"")
        cipher = self._ciphers.get(key_id.decode(errors="replace"))
        if cipher is None:
            raise PayloadDecryptionError(
                f"payload was encrypted with key id {key_id.decode(errors='replace')!r}, "
                "which PAYLOAD_KEY does not hold"
            )
        try:
            plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], key_id)
        except InvalidTag as exc:
            raise PayloadDecryptionError("payload cannot be decrypted: altered, or another key") from exc
        return Payload.FromString(plain)

    def needs_rewrap(self, payload: Payload) -> bool:
        """Ours but under another key than the current one."""
        return is_encrypted(payload) and payload.metadata.get(KEY_ID, b"") != self._current.encode()

    def rewrap(self, payload: Payload) -> Payload:
        """The payload under the current key (as is when it is not ours or already current)."""
        return self.encrypt(self.decrypt(payload)) if self.needs_rewrap(payload) else payload


def is_encrypted(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING
