"""A brand's avoid-words in generated text: found (every provider's output is checked) and removed (the
template provider's own output, so it never trips the check)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from models.brands import BrandContext

M = TypeVar("M", bound=BaseModel)

# Labels and enums, not text a reader sees, and the account's own past post a title cites as evidence.
_NOT_TEXT = frozenset(
    {"formula", "platform", "script_type", "shot_size", "camera_movement", "pattern", "evidence"}
)


def avoid_word_problems(result: BaseModel, brand: BrandContext | None) -> list[str]:
    """One problem per avoid-word the result contains, naming where."""
    if brand is None or not brand.profile.avoid_words:
        return []
    problems = []
    for path, text in _texts(result.model_dump()):
        found = [w for w in brand.profile.avoid_words if w in text]
        if found:
            problems.append(f"{path} uses the brand's avoid-words {found}")
    return problems


def remove_avoid_words(result: M, brand: BrandContext | None) -> M:
    """The result with every avoid-word cut out of its texts (longest first, so no fragment is left)."""
    if brand is None or not brand.profile.avoid_words:
        return result
    words = sorted(brand.profile.avoid_words, key=len, reverse=True)
    return type(result).model_validate(_scrubbed(result.model_dump(), words))


def _scrubbed(value: Any, words: list[str]) -> Any:
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, "")
        return value
    if isinstance(value, dict):
        return {k: v if k in _NOT_TEXT else _scrubbed(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, words) for item in value]
    return value


def _texts(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            if key not in _NOT_TEXT
            for found in _texts(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _texts(item, f"{path}[{i}]")]
    return []
