"""Field types of request bodies that read exactly as their JSON Schema says.

Request models are strict (a number sent as text, or 0 for false, is refused, not converted), but JSON
Schema's `integer` is any number without a fraction, so 5.0 is the integer 5. Text fields are trimmed of
surrounding white space and refuse NUL characters (no database text column stores one), and their schema
says so with a pattern over the same characters.
"""

from __future__ import annotations

from pydantic import BeforeValidator, WithJsonSchema

# ECMAScript's `\s` (what a JSON Schema pattern means by white space), spelled out so Python trims the same.
WHITE_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE_CLASS = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_TEXT_CLASS = _SPACE_CLASS.replace("[", r"[^\x00", 1)
_ANY_BUT_NUL = r"[^\x00]"
# Text as a database stores it: anything but NUL.
STORABLE_PATTERN = rf"^{_ANY_BUT_NUL}*$"
# One word: no white space anywhere (`\S` would differ between the schema's regex dialect and Python's).
WORD_PATTERN = f"^{_TEXT_CLASS}+$"


def _integral(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# For an `int` of a strict model, after its bounds: `Annotated[int, Interval(ge=1, le=20), JsonInteger]`.
# (Bounds given to `Field` beside a validator are lost from the schema of an optional field.)
JsonInteger = BeforeValidator(_integral)


def trim(value: object) -> object:
    """A `BeforeValidator`: white space around text goes, as the text's pattern allows; NUL is refused."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\x00) characters")
    return value.strip(WHITE_SPACE)


def holds_nul(value: object) -> bool:
    """Whether a JSON value holds NUL in any string, key or item."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


def trimmed_text(min_length: int, max_length: int) -> WithJsonSchema:
    """The schema of text trimmed, then `min_length` to `max_length` characters long (max_length >= 2)."""
    inner = rf"{_ANY_BUT_NUL}{{0,{max_length - 2}}}"
    if min_length >= 2:
        core = f"{_TEXT_CLASS}{inner}{_TEXT_CLASS}"
    else:
        core = f"{_TEXT_CLASS}(?:{inner}{_TEXT_CLASS})?"
        core = core if min_length == 1 else f"(?:{core})?"
    return WithJsonSchema({"type": "string", "pattern": f"^{_SPACE_CLASS}*{core}{_SPACE_CLASS}*$"})
