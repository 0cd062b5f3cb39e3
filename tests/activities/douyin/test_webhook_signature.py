"""sha1(secret ‖ body) signatures, checked in constant time and case-insensitively."""

from __future__ import annotations

import hashlib

from douflow.douyin.signature import sign, verify

BODY = '{"event":"im_receive_msg","content":{"text":"你好"}}'.encode()


def test_sign_matches_the_platform_recipe():
    assert sign("secret", BODY) == hashlib.sha1(b"secret" + BODY).hexdigest()
    assert sign("secret", BODY) == sign("secret", BODY).lower()


def test_verify():
    signature = sign("secret", BODY)
    assert verify("secret", BODY, signature)
    assert verify("secret", BODY, signature.upper())
    assert verify("secret", BODY, f" {signature}\n")
    assert not verify("other", BODY, signature)
    assert not verify("secret", BODY.replace(b"im_", b"xx_"), signature)
    assert not verify("secret", BODY, "")
    assert not verify("secret", BODY, None)
    assert not verify("secret", BODY, "签名")
