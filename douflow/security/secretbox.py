"""Encryption of secrets at rest (Douyin tokens, the OAuth code in flight) with Fernet (AES-128-CBC + HMAC).

A ciphertext is `<key id>:<Fernet token>`, so the key can be rotated: every key of the ring decrypts,
the current one encrypts, and `rewrap` moves an old ciphertext to the current key. Ciphertexts written
before key ids existed (a bare Fernet token, which never holds a colon) are tried against every key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from douflow.security.keyring import DEFAULT_KEY_ID, KeyRing, encode_key, parse_keyring

SETTING = "ENCRYPTION_KEY"


class SecretBox:
    def __init__(self, keys: KeyRing | str) -> None:
        """A ring, or one bare key (a ring of one under the default id)."""
        ring = keys if isinstance(keys, KeyRing) else parse_keyring(keys, DEFAULT_KEY_ID, SETTING)
        self._current = ring.current
        self._fernets = {key_id: Fernet(encode_key(raw).encode()) for key_id, raw in ring.keys.items()}
        ordered = [self._fernets[ring.current], *(f for i, f in self._fernets.items() if i != ring.current)]
        self._any = MultiFernet(ordered)

    @property
    def current_key_id(self) -> str:
        return self._current

    def encrypt(self, plaintext: str) -> str:
        token = self._fernets[self._current].encrypt(plaintext.encode()).decode()
        return f"{self._current}:{token}"

    def decrypt(self, ciphertext: str) -> str:
        key_id, sep, token = ciphertext.rpartition(":")
        fernet = self._any if not sep else self._fernets.get(key_id)
        if fernet is None:
            raise ValueError(f"secret was encrypted with key id {key_id!r}, which {SETTING} does not hold")
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(f"secret cannot be decrypted with the configured {SETTING}") from exc

    def is_current(self, ciphertext: str) -> bool:
        return ciphertext.startswith(f"{self._current}:")

    def rewrap(self, ciphertext: str) -> str:
        """The same secret under the current key (unchanged if it already is)."""
        return ciphertext if self.is_current(ciphertext) else self.encrypt(self.decrypt(ciphertext))

    def __repr__(self) -> str:
        return f"SecretBox(<keys hidden>, current={self._current!r})"
