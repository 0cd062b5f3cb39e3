"""Compliance check of generated text against data/compliance.toml, before anything is saved or published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from activities.agent.datafiles import load
from models.generation import ComplianceFinding, ComplianceReport


@dataclass(frozen=True)
class _Rule:
    category: str
    suggestion: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    allow: tuple[str, ...]
    replace: dict[str, str]


@cache
def _rules() -> tuple[_Rule, ...]:
    allowed = set(get_args(ComplianceFinding.model_fields["category"].annotation))
    rules = []
    for raw in load("compliance")["rule"]:
        if raw["category"] not in allowed:
            raise ValueError(f"unknown compliance category {raw['category']!r}")
        rules.append(
            _Rule(
                category=raw["category"],
                suggestion=raw["suggestion"],
                # Longest first, so "最佳" is reported rather than the "最" inside it.
                terms=tuple(sorted(raw.get("terms", []), key=len, reverse=True)),
                patterns=tuple(re.compile(p) for p in raw.get("patterns", [])),
                allow=tuple(raw.get("allow", [])),
                replace=dict(raw.get("replace", {})),
            )
        )
    return tuple(rules)


def check_fields(fields: dict[str, str]) -> ComplianceReport:
    """Findings for every field (path → text); passed when there are none."""
    findings = [finding for path, text in fields.items() for finding in _check_text(path, text)]
    return ComplianceReport(passed=not findings, findings=findings)


def flatten_text_fields(model: BaseModel) -> dict[str, str]:
    """Every string of a generated model by path ('title', 'hashtags[0]', 'shots[2].line')."""
    return dict(_walk(model.model_dump(), ""))


def _walk(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _walk(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _walk(v, f"{path}[{i}]")]
    return []


def _check_text(path: str, text: str) -> list[ComplianceFinding]:
    findings: dict[tuple[str, str], ComplianceFinding] = {}
    # Lower-casing must keep offsets aligned with the original text; it does except for a few letters.
    folded = text.lower() if len(text.lower()) == len(text) else text
    for rule in _rules():
        taken: list[tuple[int, int]] = _allowed_spans(folded, rule.allow)
        for start, end in _term_spans(folded, rule.terms) + _pattern_spans(text, rule.patterns):
            if any((s <= start and end <= e) or (s < end and start < e) for s, e in taken):
                continue
            taken.append((start, end))
            term = text[start:end]
            suggestion = _suggestion(rule, term)
            finding = {"term": term, "category": rule.category, "field": path, "suggestion": suggestion}
            findings.setdefault((term, rule.category), ComplianceFinding.model_validate(finding))
    return list(findings.values())


def _allowed_spans(folded: str, allow: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for word in allow for m in re.finditer(re.escape(word.lower()), folded)]


def _term_spans(folded: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for term in terms for m in re.finditer(re.escape(term.lower()), folded)]


def _pattern_spans(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for pattern in patterns for m in pattern.finditer(text)]


def _suggestion(rule: _Rule, term: str) -> str:
    replacement = rule.replace.get(term) or rule.replace.get(term.upper())
    return f"{rule.suggestion}；可改为“{replacement}”" if replacement else rule.suggestion
