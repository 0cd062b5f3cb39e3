"""Normalise the platform's four response envelopes to one `Envelope(code, message, log_id, data)`.

Checked in the documented order: `err_no` → `data.error_code` → `extra.error_code` /
`extra.sub_error_code` → `base.biz_code` (then `base.gateway_code`). Numbers may arrive as strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def as_int(value: Any) -> int | None:
    """Lenient integer: 0, "0", "28001008", 1.0 and " 5 " all parse; anything else is None."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                number = float(value.strip())
            except ValueError:
                return None
            return int(number) if number.is_integer() else None
    return None


@dataclass(frozen=True)
class Envelope:
    code: int
    message: str
    log_id: str | None
    data: dict[str, Any] = field(default_factory=dict)
    # `extra.sub_error_code` next to a main code: it refines what the main code means.
    sub_code: int = 0
    # The whole body, for the rare reply whose payload sits outside `data` (an IM send's `msg_id`).
    body: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.code == 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first_nonzero(*candidates: Any) -> int | None:
    """The first candidate that parses to a non-zero code; 0 if some parsed as 0; None if none parsed."""
    seen_zero = False
    for candidate in candidates:
        code = as_int(candidate)
        if code:
            return code
        seen_zero = seen_zero or code == 0
    return 0 if seen_zero else None


def _text(*candidates: Any) -> str:
    return next((str(c) for c in candidates if isinstance(c, str) and c), "")


def parse_envelope(payload: Any) -> Envelope:
    """Never raises; an unrecognisable body is code -1 so the caller can treat it as unknown."""
    body = _dict(payload)
    data, extra, base = _dict(body.get("data")), _dict(body.get("extra")), _dict(body.get("base"))
    code = _first_nonzero(
        body.get("err_no"),
        data.get("error_code"),
        extra.get("error_code"),
        extra.get("sub_error_code"),
        base.get("biz_code"),
        base.get("gateway_code"),
    )
    log_id = _text(
        extra.get("logid"), extra.get("log_id"), body.get("log_id"), data.get("log_id"), base.get("log_id")
    )
    message = _text(
        body.get("err_msg"),
        data.get("description"),
        extra.get("sub_description"),
        extra.get("description"),
        base.get("biz_msg"),
        base.get("gateway_msg"),
    )
    if code is None:
        # OAuth envelope without error_code but with message "error", or not an envelope at all.
        code = 0 if body.get("message") == "success" or ("data" in body and data) else -1
        message = message or "unrecognised response envelope"
    sub_code = as_int(extra.get("sub_error_code")) or 0
    return Envelope(
        code=code, message=message, log_id=log_id or None, data=data, sub_code=sub_code, body=body
    )
