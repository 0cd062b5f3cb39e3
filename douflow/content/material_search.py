"""Chinese full-text search over materials that reads the same on SQLite and PostgreSQL.

Neither database segments Chinese, so text is tokenised here, before it is stored, with the knowledge base's
tokenizer (`knowledge_search.tokens`: NFKC folding, the synonym table, character unigrams and bigrams, a Latin
word or a number as one token) and kept in one portable inverted-index table, `material_terms` (tenant, term,
material, weight), looked up by `(tenant_id, term)`. A material's weight per token adds its fields: the title
counts 3, tags 2, the description 1.5 and the document or answer text 1. Ranking is Okapi BM25 over the
postings of the query's tokens, computed here from that one query, so both databases answer identically.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.knowledge_search import UNIGRAM_WEIGHT, normalise, tokens
from douflow.db.material_tables import Material, MaterialTerm

TITLE, TAGS, DESCRIPTION, BODY = 3.0, 2.0, 1.5, 1.0
K1 = 1.2
B = 0.75
TERM_MAX = 64
# Only the start of a long document is indexed: enough to find it, bounded in rows.
BODY_MAX_CHARS = 20_000
# A single character held by more than this share of the tenant's materials is not read (see _worth_reading).
COMMON_SHARE = 0.25


@dataclass(frozen=True)
class Indexable:
    title: str
    description: str
    tags: Sequence[str]
    body: str


def weighted_terms(doc: Indexable) -> dict[str, float]:
    """Each token of the material's fields with its weighted frequency."""
    weights: dict[str, float] = defaultdict(float)
    fields = (
        (doc.title, TITLE),
        (" ".join(doc.tags), TAGS),
        (doc.description, DESCRIPTION),
        (doc.body[:BODY_MAX_CHARS], BODY),
    )
    for text, weight in fields:
        for token, count in tokens(text).items():
            weights[token[:TERM_MAX]] += count * weight
    return weights


async def reindex(session: AsyncSession, material: Material, doc: Indexable) -> None:
    """Replaces the material's postings with those of `doc`."""
    await session.execute(
        delete(MaterialTerm).where(
            MaterialTerm.tenant_id == material.tenant_id, MaterialTerm.material_id == material.id
        )
    )
    weights = weighted_terms(doc)
    session.add_all(
        MaterialTerm(tenant_id=material.tenant_id, material_id=material.id, term=term, weight=weight)
        for term, weight in weights.items()
    )
    material.search_length = float(sum(weights.values()))
    await session.flush()


def _term_weight(token: str) -> float:
    return UNIGRAM_WEIGHT if len(token) == 1 and not token.isascii() else 1.0


async def search(session: AsyncSession, tenant_id: str, text: str) -> list[tuple[str, float]]:
    """(material id, score) of every material sharing a token with `text`, best first."""
    query = sorted({t[:TERM_MAX] for t in tokens(text)})
    if not query:
        return []
    materials = await session.execute(
        select(func.count(), func.coalesce(func.avg(Material.search_length), 0.0)).where(
            Material.tenant_id == tenant_id
        )
    )
    total, average = materials.one()
    df = dict(
        (
            await session.execute(
                select(MaterialTerm.term, func.count())
                .where(MaterialTerm.tenant_id == tenant_id, MaterialTerm.term.in_(query))
                .group_by(MaterialTerm.term)
            )
        ).all()
    )
    wanted = _worth_reading(query, df, int(total))
    if not wanted:
        return []
    rows = (
        await session.execute(
            select(MaterialTerm.material_id, MaterialTerm.term, MaterialTerm.weight, Material.search_length)
            .join(Material, Material.id == MaterialTerm.material_id)
            .where(MaterialTerm.tenant_id == tenant_id, MaterialTerm.term.in_(wanted))
        )
    ).all()
    return rank(rows, int(total), float(average) or 1.0, df)


@dataclass(frozen=True)
class Coverage:
    """How much of a question a material covers (0..1), and which of the question's tokens it holds."""

    material_id: str
    share: float
    held: frozenset[str]


async def best_match(
    session: AsyncSession, tenant_id: str, text: str, top: int = 20
) -> list[tuple[str, float]]:
    """The first `top` materials in search order, each with how much of the question it covers (0..1): the
    weighted share of the question's tokens it holds. Unlike a BM25 score this reads the same in a library of
    two materials or of thousands, so it can decide whether a material answers a question at all."""
    return [(found.material_id, found.share) for found in await coverage(session, tenant_id, text, top)]


async def coverage(session: AsyncSession, tenant_id: str, text: str, top: int = 20) -> list[Coverage]:
    """`best_match` with the tokens each material holds, so an offer can say why it matched."""
    ranked = [mid for mid, _ in (await search(session, tenant_id, text))[:top]]
    query = {t[:TERM_MAX] for t in tokens(text)}
    if not ranked or not query:
        return []
    rows = await session.execute(
        select(MaterialTerm.material_id, MaterialTerm.term).where(
            MaterialTerm.tenant_id == tenant_id,
            MaterialTerm.material_id.in_(ranked),
            MaterialTerm.term.in_(sorted(query)),
        )
    )
    held: dict[str, set[str]] = defaultdict(set)
    for material_id, term in rows.all():
        held[material_id].add(term)
    whole = sum(_term_weight(t) for t in query)
    return [
        Coverage(mid, sum(_term_weight(t) for t in held[mid]) / whole, frozenset(held[mid])) for mid in ranked
    ]


def matched_words(text: str, held: frozenset[str]) -> list[str]:
    """The customer's words (as normalised for search) that a material holds: the longest stretches of each
    run whose every bigram it holds, and any Latin word or number it holds, in the order written."""
    words: list[str] = []
    for run in normalise(text):
        if run.isascii():
            if run[:TERM_MAX] in held:
                words.append(run)
            continue
        start = 0
        for end in range(1, len(run) + 1):
            if end == len(run) or run[end - 1 : end + 1] not in held:
                if end - start >= 2:
                    words.append(run[start:end])
                start = end
    return list(dict.fromkeys(words))


def _idf(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _worth_reading(query: Sequence[str], df: dict[str, int], total: int) -> list[str]:
    """The query's tokens whose postings are read: a single character that most materials hold (的, 是, 机)
    says little and costs a posting per material, so it is dropped when a longer token of the query matched."""
    present = [t for t in query if df.get(t)]
    longer = any(not _single(t) for t in present)
    return [t for t in present if not (longer and _single(t) and df[t] > total * COMMON_SHARE)]


def _single(token: str) -> bool:
    return len(token) == 1 and not token.isascii()


def rank(
    rows: Iterable[Sequence[object]], total: int, average: float, df: dict[str, int]
) -> list[tuple[str, float]]:
    """BM25 of (material, term, weight, length) postings; `df`: how many materials hold each term."""
    postings = list(rows)
    scores: dict[str, float] = defaultdict(float)
    for material_id, term, weight, length in postings:
        tf = float(weight)  # type: ignore[arg-type]
        idf = _idf(total, df[str(term)])
        norm = K1 * (1 - B + B * float(length) / average)  # type: ignore[arg-type]
        scores[str(material_id)] += _term_weight(str(term)) * idf * tf * (K1 + 1) / (tf + norm)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
