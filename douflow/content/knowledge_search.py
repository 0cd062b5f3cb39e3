"""Lexical retrieval over a tenant's knowledge base, for Chinese questions as customers type them.

Chinese has no spaces and neither SQLite nor PostgreSQL segments it, so entries are ranked here: text is
normalised (NFKC folds full-width forms, lower case, a synonym table from `data/knowledge_synonyms.toml`
rewrites the words customers use for one thing to one word, particles drop out) and cut into character
unigrams and bigrams, which need no dictionary and still reward word order. Okapi BM25 scores each phrasing
of an entry (its question and every variant) and the best phrasing counts, so a question matching one variant
closely beats one that shares a few characters with many; the answer adds weaker evidence. A score is the
raw score over the query's score against itself (a phrasing identical to the query), capped at 1, so it
reads the same whatever the size of the knowledge base: characters no entry uses lower it, which is what
lets an unanswerable question fall under KNOWLEDGE_MIN_SCORE and go to a person.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from models.knowledge import KnowledgeHit, KnowledgeHits

SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "knowledge_synonyms.toml"
# The least score of the best hit for the bot to answer with it; chosen on bench/knowledge_retrieval.py.
DEFAULT_MIN_SCORE = 0.18
K1 = 1.2
B = 0.75
# The answer is written for the customer, not to be found: its words count for less than the questions'.
ANSWER_WEIGHT = 0.3
# A bigram says more than either of its characters; unigrams still match what bigrams miss.
UNIGRAM_WEIGHT = 0.5
_RUN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")


@dataclass(frozen=True)
class _Lexicon:
    synonyms: re.Pattern[str] | None
    canonical: dict[str, str]
    stop_words: re.Pattern[str] | None
    stop_characters: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    with SYNONYMS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    canonical: dict[str, str] = {}
    for group in data.get("groups", []):
        for phrase in group:
            key = _fold(phrase)
            if key in canonical:
                raise ValueError(f"{SYNONYMS_FILE.name}: '{phrase}' is in two synonym groups")
            canonical[key] = _fold(group[0])
    stop_words = [_fold(word) for word in data.get("stop_words", [])]
    return _Lexicon(
        synonyms=_alternation(canonical),
        canonical=canonical,
        stop_words=_alternation(stop_words),
        stop_characters=frozenset(_fold(data.get("stop_characters", ""))),
    )


def _alternation(phrases: Sequence[str] | dict[str, str]) -> re.Pattern[str] | None:
    # Longest first: an alternation takes the first alternative that matches at a position.
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in ordered)) if ordered else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def normalise(text: str) -> list[str]:
    """The text as runs of meaningful characters: folded, synonyms rewritten, particles and punctuation
    dropped (each breaks a run, so no bigram spans them)."""
    lexicon = _lexicon()
    folded = _fold(text)
    if lexicon.synonyms is not None:
        folded = lexicon.synonyms.sub(lambda m: f" {lexicon.canonical[m.group(0)]} ", folded)
    if lexicon.stop_words is not None:
        folded = lexicon.stop_words.sub(" ", folded)
    spaced = "".join(" " if c in lexicon.stop_characters else c for c in folded)
    return _RUN.findall(spaced)


def tokens(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the normalised text (a Latin word or a number is one token)."""
    counts: Counter[str] = Counter()
    for run in normalise(text):
        if run.isascii():
            counts[run] += 1
            continue
        counts.update(run)
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    return counts


def _weight(token: str) -> float:
    return UNIGRAM_WEIGHT if len(token) == 1 and not token.isascii() else 1.0


@dataclass(frozen=True)
class SearchableEntry:
    """What the ranker needs of an entry."""

    entry_id: str
    question: str
    variants: Sequence[str]
    answer: str
    tags: Sequence[str] = ()


@dataclass
class _Field:
    """One kind of text (phrasings or answers): each document's length and, per token, its postings."""

    lengths: list[int] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # document → entry
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, owner: int, counts: Counter[str]) -> None:
        document = len(self.lengths)
        self.lengths.append(sum(counts.values()))
        self.owners.append(owner)
        for token, count in counts.items():
            self.postings[token].append((document, count))

    @property
    def average_length(self) -> float:
        return (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def scores(self, query: Sequence[str], idf: Callable[[str], float]) -> dict[int, float]:
        """BM25 of every document sharing a token with the query."""
        average = self.average_length or 1.0
        scores: dict[int, float] = defaultdict(float)
        for token in query:
            weight = idf(token) * _weight(token)
            for document, count in self.postings.get(token, ()):
                norm = K1 * (1 - B + B * self.lengths[document] / average)
                scores[document] += weight * count * (K1 + 1) / (count + norm)
        return scores


class KnowledgeIndex:
    """A tenant's enabled entries, ready to rank; immutable once built."""

    def __init__(self, entries: Sequence[SearchableEntry]) -> None:
        self._entries = list(entries)
        self._phrasings = _Field()
        self._answers = _Field()
        document_frequency: Counter[str] = Counter()
        for owner, entry in enumerate(self._entries):
            seen: set[str] = set()
            for phrasing in (entry.question, *entry.variants):
                counts = tokens(phrasing)
                self._phrasings.add(owner, counts)
                seen.update(counts)
            answer = tokens(entry.answer)
            self._answers.add(owner, answer)
            document_frequency.update(seen | set(answer))
        self._df = document_frequency

    def __len__(self) -> int:
        return len(self._entries)

    def _idf(self, token: str) -> float:
        n, df = len(self._entries), self._df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _self_score(self, query: Sequence[str]) -> float:
        """The query's score against a phrasing identical to it."""
        norm = K1 * (1 - B + B * len(query) / (self._phrasings.average_length or 1.0))
        return sum(self._idf(t) * _weight(t) * (K1 + 1) / (1 + norm) for t in query)

    def rank(self, text: str) -> list[tuple[SearchableEntry, float]]:
        """Every entry sharing a token with the text, best first, with its score in 0..1."""
        query = sorted(tokens(text))
        if not query:
            return []
        best: dict[int, float] = defaultdict(float)
        for document, score in self._phrasings.scores(query, self._idf).items():
            owner = self._phrasings.owners[document]
            best[owner] = max(best[owner], score)
        for document, score in self._answers.scores(query, self._idf).items():
            best[self._answers.owners[document]] += ANSWER_WEIGHT * score
        full = self._self_score(query)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [(self._entries[owner], min(1.0, raw / full)) for owner, raw in ranked]

    def search(self, text: str, limit: int, min_score: float) -> KnowledgeHits:
        hits = [
            KnowledgeHit(
                entry_id=entry.entry_id,
                question=entry.question,
                answer=entry.answer,
                tags=list(entry.tags),
                score=round(score, 4),
            )
            for entry, score in self.rank(text)[:limit]
        ]
        return KnowledgeHits(hits=hits, answerable=bool(hits) and hits[0].score >= min_score)


class KnowledgeIndexCache:
    """The last index built per tenant, reused while the tenant's entries are unchanged (`stamp` says
    which state it was built from); at most `max_tenants`, the least recently used dropped first."""

    def __init__(self, max_tenants: int = 256) -> None:
        self._max = max_tenants
        self._indexes: OrderedDict[str, tuple[Hashable, KnowledgeIndex]] = OrderedDict()

    def get(self, tenant_id: str, stamp: Hashable) -> KnowledgeIndex | None:
        cached = self._indexes.get(tenant_id)
        if cached is None or cached[0] != stamp:
            return None
        self._indexes.move_to_end(tenant_id)
        return cached[1]

    def put(self, tenant_id: str, stamp: Hashable, index: KnowledgeIndex) -> None:
        self._indexes[tenant_id] = (stamp, index)
        self._indexes.move_to_end(tenant_id)
        while len(self._indexes) > self._max:
            self._indexes.popitem(last=False)
