"""Knowledge-base retrieval on a labelled set: can the bot answer a customer's question from the FAQ, and
does it hand off the questions no entry answers?

Each business of `data/knowledge_questions.toml` is one tenant; its questions are ranked against its own
entries only. Reports top-1 accuracy and top-3 recall on answerable questions, the share of unanswerable ones
the bot hands off (best score under KNOWLEDGE_MIN_SCORE), the share of answerable ones it wrongly hands off,
and lookup latency (index built once, as the per-tenant cache keeps it) for 30 and 500 entries.

    .venv/bin/python bench/knowledge_retrieval.py [--min-score 0.4] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import json
import statistics
import time
import tomllib
from dataclasses import asdict, dataclass
from typing import Any

from douflow.content.knowledge_search import DEFAULT_MIN_SCORE, KnowledgeIndex, SearchableEntry

QUESTIONS_FILE = Path(__file__).parent / "data" / "knowledge_questions.toml"
NONE = "none"
LATENCY_SIZES = (30, 500)
LATENCY_ROUNDS = 5


@dataclass(frozen=True)
class Question:
    business: str
    text: str
    expect: str


@dataclass(frozen=True)
class LabelledSet:
    entries: dict[str, list[SearchableEntry]]
    questions: list[Question]


@dataclass
class Report:
    min_score: float
    answerable: int
    unanswerable: int
    top1: float
    top3: float
    handed_off_unanswerable: float
    wrongly_handed_off: float
    answered_correctly: float
    latency_ms: dict[str, dict[str, float]]
    misses: list[dict[str, Any]]


def load(path: Path = QUESTIONS_FILE) -> LabelledSet:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    entries = {
        business["id"]: [
            SearchableEntry(
                entry_id=e["id"],
                question=e["question"],
                variants=e.get("variants", []),
                answer=e["answer"],
                tags=e.get("tags", []),
            )
            for e in business["entries"]
        ]
        for business in data["business"]
    }
    questions = [Question(q["business"], q["text"], q["expect"]) for q in data["questions"]]
    return LabelledSet(entries, questions)


def evaluate(labelled: LabelledSet, min_score: float) -> Report:
    indexes = {business: KnowledgeIndex(entries) for business, entries in labelled.entries.items()}
    answerable = [q for q in labelled.questions if q.expect != NONE]
    unanswerable = [q for q in labelled.questions if q.expect == NONE]
    top1 = top3 = answered = below = handed_off = 0
    misses: list[dict[str, Any]] = []
    for question in labelled.questions:
        hits = indexes[question.business].search(question.text, 3, min_score)
        ids = [h.entry_id for h in hits.hits]
        best = hits.hits[0].score if hits.hits else 0.0
        if question.expect == NONE:
            handed_off += not hits.answerable
            if hits.answerable:
                misses.append({"text": question.text, "expect": NONE, "got": ids[:1], "score": best})
            continue
        top1 += ids[:1] == [question.expect]
        top3 += question.expect in ids
        below += not hits.answerable
        answered += hits.answerable and ids[:1] == [question.expect]
        if ids[:1] != [question.expect] or not hits.answerable:
            misses.append({"text": question.text, "expect": question.expect, "got": ids, "score": best})
    return Report(
        min_score=min_score,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        top1=top1 / len(answerable),
        top3=top3 / len(answerable),
        handed_off_unanswerable=handed_off / len(unanswerable),
        wrongly_handed_off=below / len(answerable),
        answered_correctly=answered / len(answerable),
        latency_ms={str(size): latency(labelled, size) for size in LATENCY_SIZES},
        misses=misses,
    )


def synthetic_entries(labelled: LabelledSet, size: int) -> list[SearchableEntry]:
    """`size` entries: the labelled ones, then copies with a distinguishing product word, as a large shop's
    FAQ repeats its questions per product."""
    base = [e for entries in labelled.entries.values() for e in entries]
    products = ["耶加雪菲", "曼特宁", "瑰夏", "蓝山", "剁椒鱼头", "小炒黄牛肉", "臭豆腐", "糖油粑粑"]
    out = list(base[:size])
    n = 0
    while len(out) < size:
        entry, product = base[n % len(base)], products[(n // len(base)) % len(products)]
        out.append(
            SearchableEntry(
                entry_id=f"{entry.entry_id}-{n}",
                question=f"{product}{entry.question}",
                variants=[f"{product}{v}" for v in entry.variants],
                answer=entry.answer,
                tags=entry.tags,
            )
        )
        n += 1
    return out


def latency(labelled: LabelledSet, size: int) -> dict[str, float]:
    entries = synthetic_entries(labelled, size)
    started = time.perf_counter()
    index = KnowledgeIndex(entries)
    build_ms = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(LATENCY_ROUNDS):
        for question in labelled.questions:
            started = time.perf_counter()
            index.search(question.text, 3, DEFAULT_MIN_SCORE)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "build": round(build_ms, 2),
        "p50": round(statistics.median(samples), 3),
        "p95": round(samples[int(len(samples) * 0.95) - 1], 3),
    }


def render(report: Report) -> str:
    rows = [
        ("answerable questions", f"{report.answerable}"),
        ("unanswerable questions", f"{report.unanswerable}"),
        ("top-1 accuracy (answerable)", f"{report.top1:.1%}"),
        ("top-3 recall (answerable)", f"{report.top3:.1%}"),
        (f"answered right at min score {report.min_score}", f"{report.answered_correctly:.1%}"),
        ("answerable wrongly handed off", f"{report.wrongly_handed_off:.1%}"),
        ("unanswerable handed off", f"{report.handed_off_unanswerable:.1%}"),
    ]
    for size, numbers in report.latency_ms.items():
        rows.append(
            (
                f"lookup ms, {size} entries (p50 / p95; build)",
                f"{numbers['p50']} / {numbers['p95']}; {numbers['build']}",
            )
        )
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append("")
    lines.extend(
        f"miss: {m['text']}  expect {m['expect']}  got {m['got']}  score {m['score']:.2f}"
        for m in report.misses
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = evaluate(load(), args.min_score)
    sys.stdout.write(
        (json.dumps(asdict(report), ensure_ascii=False, indent=2) if args.json else render(report)) + "\n"
    )


if __name__ == "__main__":
    main()
