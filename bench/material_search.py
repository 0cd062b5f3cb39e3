"""Chinese full-text search of the material library on a labelled set, on SQLite and PostgreSQL.

`data/material_search.toml` holds 30 materials of one tenant (price sheets, FAQ answers, case studies,
documents with their text, images and videos with titles only) and 60 queries an agent would type (8 of them paraphrases sharing few characters with the answer), each
naming the material(s) that answer it. Each database is migrated fresh, the materials are written through
`MaterialRepository` (so through the same tokenizer and inverted-index table as the BFF), and every query
runs the BFF's search. Reports recall@5 (a query counts when an expected material is among the first five),
top-1 accuracy, MRR, and search latency with 2 000 more materials in the tenant.

    .venv/bin/python bench/material_search.py [--database-url URL ...] [--json]

Without `--database-url` it measures a temporary SQLite file, and PostgreSQL at BENCH_POSTGRES_URL when set
(its public schema is dropped and re-created: point it at a scratch database).
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.content.materials import MaterialFilter, MaterialRepository, VersionContent
from douflow.db.engine import create_engine, create_sessionmaker
from douflow.db.material_tables import MaterialLibrary
from douflow.db.migrate import sync_url, upgrade

SET_FILE = Path(__file__).parent / "data" / "material_search.toml"
K = 5
FILLER = 2_000
LATENCY_QUERIES = 200


@dataclass(frozen=True)
class Query:
    text: str
    expect: tuple[str, ...]


@dataclass
class Report:
    database: str
    materials: int
    queries: int
    recall_at_5: float
    top1: float
    mrr: float
    misses: list[str]
    latency_ms_p50: float | None = None
    latency_ms_p95: float | None = None


def load() -> tuple[list[dict[str, Any]], list[Query]]:
    with SET_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    queries = [Query(q["text"], tuple(q["expect"])) for q in data["query"]]
    return list(data["material"]), queries


async def store(session: AsyncSession, tenant_id: str, materials: list[dict[str, Any]]) -> dict[str, str]:
    """Writes the materials into a new library of the tenant; material id → key."""
    repo = MaterialRepository(session, tenant_id)
    library = MaterialLibrary(tenant_id=tenant_id, name="bench", description="", created_by="bench-user")
    session.add(library)
    await session.flush()
    keys: dict[str, str] = {}
    for item in materials:
        text_kind = item["kind"] in ("faq", "case_study")
        content = VersionContent(
            text=item["body"] if text_kind else None, extracted_text="" if text_kind else item["body"]
        )
        created = await repo.create(
            library.id, item["kind"], item["title"], item["description"], item["tags"], None, None, content,
            "bench-user",
        )  # fmt: skip
        keys[created.id] = item["key"]
    await session.commit()
    return keys


async def evaluate(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, database: str = ""
) -> Report:
    """Stores the labelled materials in the tenant and runs every query against them."""
    materials, queries = load()
    async with sessionmaker() as session:
        keys = await store(session, tenant_id, materials)
    hits = top1 = 0
    reciprocal = 0.0
    misses: list[str] = []
    async with sessionmaker() as session:
        repo = MaterialRepository(session, tenant_id)
        for query in queries:
            ranked = [keys[mid] for mid, _ in await repo.search(query.text, MaterialFilter())]
            rank = next((i for i, key in enumerate(ranked) if key in query.expect), None)
            if rank is not None and rank < K:
                hits += 1
            else:
                misses.append(f"{query.text} → {ranked[:K]}")
            top1 += rank == 0
            reciprocal += 1 / (rank + 1) if rank is not None else 0.0
    n = len(queries)
    return Report(database, len(materials), n, hits / n, top1 / n, reciprocal / n, misses)


async def latency(sessionmaker: async_sessionmaker[AsyncSession], report: Report) -> None:
    """Search time with FILLER more materials (sentences of the set shuffled) in another tenant."""
    materials, queries = load()
    rng = random.Random(17)
    sentences = [m["body"] or m["description"] for m in materials]
    filler = [
        {
            "key": f"filler-{i}",
            "kind": rng.choice(["faq", "document", "case_study"]),
            "title": rng.choice(materials)["title"][:8] + f"{i}",
            "description": rng.choice(sentences)[:40],
            "tags": [],
            "body": "；".join(rng.sample(sentences, 3)),
        }
        for i in range(FILLER)
    ]
    tenant = f"bench-{uuid.uuid4().hex[:8]}"
    async with sessionmaker() as session:
        await store(session, tenant, materials + filler)
    timings: list[float] = []
    async with sessionmaker() as session:
        repo = MaterialRepository(session, tenant)
        for i in range(LATENCY_QUERIES):
            started = time.perf_counter()
            await repo.search(queries[i % len(queries)].text, MaterialFilter())
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    report.latency_ms_p50 = round(statistics.median(timings), 2)
    report.latency_ms_p95 = round(timings[int(0.95 * len(timings)) - 1], 2)


def _fresh(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sqlalchemy.create_engine(sync_url(url))
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
            connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


async def run(url: str) -> Report:
    _fresh(url)
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        report = await evaluate(sessionmaker, f"bench-{uuid.uuid4().hex[:8]}", url.split(":", 1)[0])
        await latency(sessionmaker, report)
        return report
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    urls: list[str] = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        if not urls:
            urls = [f"sqlite+aiosqlite:///{tmp}/bench.db"]
            if postgres := os.environ.get("BENCH_POSTGRES_URL"):
                urls.append(postgres)
        reports = [asyncio.run(run(url)) for url in urls]
    if args.json:
        print(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2))
        return
    for r in reports:
        print(
            f"{r.database}: {r.queries} queries over {r.materials} materials: recall@5 {r.recall_at_5:.1%}, "
            f"top-1 {r.top1:.1%}, MRR {r.mrr:.3f}; search p50 {r.latency_ms_p50} ms, p95 {r.latency_ms_p95} ms "
            f"with {FILLER} more materials"
        )
        for miss in r.misses:
            print(f"  missed: {miss}")


if __name__ == "__main__":
    main()
