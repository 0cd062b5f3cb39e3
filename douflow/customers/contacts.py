"""Contact details a customer gave in a message or a submitted card (seed 13): mainland mobile numbers and
WeChat ids, validated and normalised, and masked for roles that do not work leads.

A mobile number is 11 digits starting 1[3-9]; `+86`, `0086`, spaces and dashes around or inside it are
accepted. A WeChat id is 6-20 characters, a letter first, then letters, digits, `_` or `-`; in free text it
counts only after a word that names it (微信, vx, wx), so an English word is never taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.customers import CardField

_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*86[\s-]*)?1[3-9](?:[\s-]*\d){9}(?!\d)")
_WECHAT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{5,19}")
_WECHAT_IN_TEXT = re.compile(
    r"(?:微信号?|威信|v信|vx|wx|wechat|weixin)\s*(?:号)?\s*(?:是|为|:|：)?\s*([A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
_NAME_IN_TEXT = re.compile(r"(?:我叫|我是|姓名[:：]?\s*)([\u4e00-\u9fff]{2,4})")
PHONE_LABELS = ("手机", "电话", "phone", "mobile", "联系方式")
WECHAT_LABELS = ("微信", "wechat", "vx", "wx")
NAME_LABELS = ("姓名", "名字", "称呼", "name")


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    wechat: str | None = None
    name: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.phone or self.wechat)


def normalise_phone(raw: str) -> str | None:
    """The 11-digit mainland mobile number in `raw`, or None."""
    digits = re.sub(r"[\s-]", "", raw.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits if re.fullmatch(r"1[3-9]\d{9}", digits) else None


def valid_wechat(raw: str) -> str | None:
    value = raw.strip()
    return value if _WECHAT.fullmatch(value) else None


def from_text(text: str) -> Contact:
    phone = next((p for m in _PHONE_IN_TEXT.finditer(text) if (p := normalise_phone(m.group()))), None)
    wechat_match = _WECHAT_IN_TEXT.search(text)
    name_match = _NAME_IN_TEXT.search(text)
    return Contact(
        phone=phone,
        wechat=wechat_match.group(1) if wechat_match else None,
        name=name_match.group(1) if name_match else None,
    )


def from_card(fields: list[CardField]) -> Contact:
    """A submitted card's fields by their labels; a phone field with a malformed number gives nothing."""
    phone = wechat = name = None
    for field in fields:
        label = field.label.lower()
        if phone is None and any(word in label for word in PHONE_LABELS):
            phone = normalise_phone(field.value)
        elif wechat is None and any(word in label for word in WECHAT_LABELS):
            wechat = valid_wechat(field.value)
        elif name is None and any(word in label for word in NAME_LABELS) and field.value.strip():
            name = field.value.strip()[:50]
    return Contact(phone=phone, wechat=wechat, name=name)


def mask_phone(phone: str | None) -> str | None:
    return f"{phone[:3]}****{phone[-4:]}" if phone else phone


def mask_wechat(wechat: str | None) -> str | None:
    return f"{wechat[:2]}****{wechat[-2:]}" if wechat else wechat
