"""The token box: ciphertexts name their key, so the key can be rotated without losing a stored token."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from douflow.security.keyring import KeyRing, parse_keyring
from douflow.security.secretbox import SecretBox
from douflow.settings import DEV_ENCRYPTION_KEY, Settings

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def ring(text: str, current: str) -> KeyRing:
    return parse_keyring(text, current, "ENCRYPTION_KEY")


def test_new_ciphertexts_carry_the_current_key_id() -> None:
    box = SecretBox(ring(f"old:{OLD},new:{NEW}", "new"))
    ciphertext = box.encrypt("access-token-1")
    assert ciphertext.startswith("new:") and "access-token-1" not in ciphertext
    assert box.decrypt(ciphertext) == "access-token-1"


def test_a_secret_written_with_the_old_key_decrypts_after_the_writer_key_changes() -> None:
    before = SecretBox(ring(OLD, "old")).encrypt("refresh-token-1")
    after = SecretBox(ring(f"old:{OLD},new:{NEW}", "new"))
    assert after.decrypt(before) == "refresh-token-1"
    assert not after.is_current(before)
    rewrapped = after.rewrap(before)
    assert rewrapped.startswith("new:") and after.rewrap(rewrapped) == rewrapped
    assert SecretBox(ring(f"new:{NEW}", "new")).decrypt(rewrapped) == "refresh-token-1"


def test_ciphertexts_written_before_key_ids_still_decrypt() -> None:
    legacy = Fernet(DEV_ENCRYPTION_KEY.encode()).encrypt(b"token-from-an-older-release").decode()
    assert SecretBox(DEV_ENCRYPTION_KEY).decrypt(legacy) == "token-from-an-older-release"
    rotated = SecretBox(ring(f"k1:{DEV_ENCRYPTION_KEY},k2:{NEW}", "k2"))
    assert rotated.decrypt(legacy) == "token-from-an-older-release"
    assert rotated.rewrap(legacy).startswith("k2:")


def test_a_key_no_longer_held_is_a_clear_error() -> None:
    ciphertext = SecretBox(ring(f"old:{OLD}", "old")).encrypt("x")
    with pytest.raises(ValueError, match="key id 'old'"):
        SecretBox(ring(f"new:{NEW}", "new")).decrypt(ciphertext)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        SecretBox(ring(f"old:{NEW}", "old")).decrypt(ciphertext)


@pytest.mark.parametrize(
    ("keys", "current", "message"),
    [
        ("not-a-key", "k1", "32 bytes"),
        (f"a:{OLD},a:{NEW}", "a", "twice"),
        (f"a:{OLD}", "b", "is not one of the ids"),
        (f"a b:{OLD}", "a b", "_ID must be"),
        (f"a:{OLD},{NEW}", "a", "id:key pairs"),
    ],
)
def test_malformed_rings_are_refused_without_showing_a_key(keys: str, current: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as refused:
        ring(keys, current)
    assert OLD not in str(refused.value) and NEW not in str(refused.value)


def test_settings_name_the_ring_and_its_writer() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, encryption_key=f"k1:{DEV_ENCRYPTION_KEY},k2:{NEW}", encryption_key_id="k2"
    )
    assert settings.token_keyring.current == "k2" and set(settings.token_keyring.keys) == {"k1", "k2"}
    assert SecretBox(settings.token_keyring).encrypt("x").startswith("k2:")
    with pytest.raises(ValidationError, match="ENCRYPTION_KEY_ID 'k9'"):
        Settings(_env_file=None, encryption_key=f"k1:{NEW}", encryption_key_id="k9")  # type: ignore[call-arg]
