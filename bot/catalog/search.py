"""The lookup index: one in-process, typo-tolerant index over entries' titles, keywords and bodies.

Scoring is BM25F (title and keywords weigh more than the body), computed per scope, so a word that
is rare across the bank but common within one topic counts for little inside that topic. A query
word the index does not know is mapped to close words it does know (typos, then prefixes, which also
serves autocomplete while someone is still typing); abbreviations and other spellings meet through
the concept terms of `synonyms`; adjacent query words are also tried glued together
(`crash loop` -> `crashloop`) and as a phrase (title and keyword bigrams).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.catalog.catalog import Catalog
from bot.catalog.model import Entry, Topic
from bot.catalog.synonyms import SINGLE_WORD_FORMS, concepts
from bot.catalog.terms import Word, stem, words

# Field weights and BM25 length normalisation; the body is long and says many things in passing.
_FIELDS: dict[str, tuple[float, float]] = {
    "title": (3.0, 0.3),
    "keywords": (2.5, 0.3),
    "body": (1.0, 0.75),
    "topic": (0.5, 0.0),
}
_K1 = 1.2
# How much a match through a guess counts next to the word itself.
_TYPO_WEIGHT = {1: 0.8, 2: 0.6}
_PREFIX_WEIGHT = 0.7
_DEMOTED = 0.5  # the words of a phrase that also matched as one concept
_PHRASE_WEIGHT = 0.5  # a bonus for words that appear next to each other in a title or keyword
# Entries that match only some of the query's words keep this share of their score at worst.
_COVERAGE_FLOOR = 0.35
_MIN_RELATIVE = 0.1  # hits far below the best one are noise, not answers
_MAX_PREFIX_TERMS = 40
_MAX_JOIN = 4


@dataclass(frozen=True)
class Hit:
    entry_id: str
    topic: str
    title: str
    score: float


@dataclass
class _Slot:
    """One thing the query asks for, with the terms that can satisfy it and how well."""

    options: dict[str, float]
    weight: float = 1.0
    coverage: float = 1.0


@dataclass
class _Scope:
    """The postings of one topic (or of all topics): term -> {document: contribution}."""

    docs: list[int]
    postings: dict[str, dict[int, float]]
    surfaces: dict[str, str]
    sorted_surfaces: list[str] = field(default_factory=list)
    buckets: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sorted_surfaces = sorted(self.surfaces)
        for surface in self.sorted_surfaces:
            self.buckets.setdefault((surface[0], len(surface)), []).append(surface)


@dataclass(frozen=True)
class _Doc:
    entry_id: str
    topic: str
    title: str
    keywords: str


class SearchIndex:
    def __init__(self, docs: list[_Doc], scopes: dict[str | None, _Scope]) -> None:
        self._docs = docs
        self._scopes = scopes

    @classmethod
    def build(cls, catalog: Catalog) -> SearchIndex:
        docs: list[_Doc] = []
        weighted: list[dict[str, float]] = []
        surfaces: list[dict[str, str]] = []
        fields: list[dict[str, Counter[str]]] = []
        for entry in catalog.entries.values():
            slug = catalog.topic_of[entry.id]
            docs.append(_Doc(entry.id, slug, entry.title, " ".join(entry.keywords)))
            doc_fields, doc_surfaces = _read_entry(entry, catalog.topics[slug])
            fields.append(doc_fields)
            surfaces.append(doc_surfaces)
        averages = {
            name: max(1.0, sum(sum(f[name].values()) for f in fields) / max(1, len(fields)))
            for name in _FIELDS
        }
        for doc_fields in fields:
            weighted.append(_bm25f_tf(doc_fields, averages))
        scopes: dict[str | None, _Scope] = {None: _scope(range(len(docs)), weighted, surfaces)}
        for slug in catalog.topics:
            members = [i for i, d in enumerate(docs) if d.topic == slug]
            scopes[slug] = _scope(members, weighted, surfaces)
        return cls(docs, scopes)

    def search(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]:
        """The entries that match query, best first; [] when nothing is a real match."""
        scope = self._scope(topic)
        if limit <= 0:
            return []
        slots = _slots(query, scope)
        total = sum(s.coverage for s in slots)
        if not total:
            return []
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        for slot in slots:
            best: dict[int, float] = {}
            for term, weight in slot.options.items():
                for doc, value in scope.postings[term].items():
                    value *= weight
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] += slot.weight * value
                covered[doc] += slot.coverage
        ranked = sorted(
            (
                (score * (_COVERAGE_FLOOR + (1 - _COVERAGE_FLOOR) * covered[doc] / total), doc)
                for doc, score in scores.items()
                if covered[doc] > 0
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if not ranked:
            return []
        floor = ranked[0][0] * _MIN_RELATIVE
        return [self._hit(doc, score) for score, doc in ranked[:limit] if score >= floor]

    def suggest(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]:
        """The entries whose titles (or keywords) are closest to query; never empty for a topic
        that has entries. An empty query gives the topic's first entries."""
        scope = self._scope(topic)
        if limit <= 0 or not scope.docs:
            return []
        text = query.strip().lower()
        if not text:
            return [self._hit(doc, 0.0) for doc in scope.docs[:limit]]
        best: dict[int, float] = {}
        for choices in (
            {doc: self._docs[doc].title for doc in scope.docs},
            {doc: self._docs[doc].keywords for doc in scope.docs if self._docs[doc].keywords},
        ):
            for _, score, doc in process.extract(
                text, choices, scorer=fuzz.WRatio, processor=str.lower, limit=None
            ):
                best[doc] = max(best.get(doc, 0.0), score)
        ranked = sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))
        return [self._hit(doc, round(score / 100, 3)) for doc, score in ranked[:limit]]

    def _scope(self, topic: str | None) -> _Scope:
        scope = self._scopes.get(topic)
        if scope is None:
            # Callers resolve aliases first (Catalog.resolve_topic); anything else is a bug.
            raise ValueError(f"unknown topic {topic!r}")
        return scope

    def _hit(self, doc: int, score: float) -> Hit:
        d = self._docs[doc]
        return Hit(d.entry_id, d.topic, d.title, score)


def _read_entry(entry: Entry, topic: Topic) -> tuple[dict[str, Counter[str]], dict[str, str]]:
    """Term counts per field, and the surface form of every word seen (for typo matching)."""
    surfaces: dict[str, str] = {}
    slug_words = entry.id.split(".", 1)[1].replace("-", " ")
    texts = {
        "title": [entry.title],
        "keywords": [*entry.keywords, slug_words],
        "body": [entry.body],
        "topic": [" ".join((topic.slug, topic.title, *topic.aliases))],
    }
    counts: dict[str, Counter[str]] = {}
    for name, parts in texts.items():
        counter: Counter[str] = Counter()
        for part in parts:
            seq = words(part)
            counter.update(_terms(seq, phrases=name in {"title", "keywords"}))
            for w in seq:
                if not w.stop:
                    surfaces[w.surface] = w.term
                    for extra in w.extras:
                        surfaces.setdefault(extra, extra)
        counts[name] = counter
    return counts, surfaces


def _terms(seq: list[Word], phrases: bool) -> Iterable[str]:
    content = [w for w in seq if not w.stop]
    for w in content:
        yield w.term
        yield from w.extras
    for _, _, concept in concepts([w.term for w in seq]):
        yield concept
    if phrases:
        for left, right in pairwise(content):
            yield f"{left.term} {right.term}"


def _bm25f_tf(doc_fields: dict[str, Counter[str]], averages: dict[str, float]) -> dict[str, float]:
    tf: dict[str, float] = defaultdict(float)
    for name, counter in doc_fields.items():
        weight, b = _FIELDS[name]
        norm = 1 - b + b * sum(counter.values()) / averages[name]
        for term, count in counter.items():
            tf[term] += weight * count / norm
    return tf


def _scope(members: Iterable[int], weighted: list[dict[str, float]],
           surfaces: list[dict[str, str]]) -> _Scope:
    docs = list(members)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(weighted[doc].keys())
    n = len(docs)
    idf = {term: math.log(1 + (n - count + 0.5) / (count + 0.5)) for term, count in df.items()}
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    scope_surfaces: dict[str, str] = {}
    for doc in docs:
        for term, tf in weighted[doc].items():
            postings[term][doc] = idf[term] * tf * (_K1 + 1) / (_K1 + tf)
        scope_surfaces.update(surfaces[doc])
    for surface, concept in SINGLE_WORD_FORMS.items():
        # An abbreviation the entries never spell out can still be mistyped.
        if concept in postings:
            scope_surfaces.setdefault(surface, concept)
    return _Scope(docs, dict(postings), scope_surfaces)


def _slots(query: str, scope: _Scope) -> list[_Slot]:
    seq = words(query)
    postings = scope.postings
    still_typing = bool(query) and not query[-1].isspace()
    slots: dict[int, _Slot] = {}
    for i, w in enumerate(seq):
        if w.stop:
            continue
        options: dict[str, float] = {}
        if w.term in postings:
            options[w.term] = 1.0
        for extra in w.extras:
            if extra in postings:
                options.setdefault(extra, 0.8)
        concept = SINGLE_WORD_FORMS.get(w.term)
        if concept in postings:
            options[concept] = 1.0
        if not options:
            options.update(_typos(w.surface, scope))
        if not options or (still_typing and i == len(seq) - 1):
            for term in _completions(w.surface, scope):
                options.setdefault(term, _PREFIX_WEIGHT)
        slots[i] = _Slot(options)
    extra_slots = [*_phrase_slots(seq, slots, postings), *_bigram_slots(seq, postings)]
    return [*slots.values(), *extra_slots]


def _phrase_slots(seq: list[Word], slots: dict[int, _Slot],
                  postings: dict[str, dict[int, float]]) -> Iterable[_Slot]:
    """Several query words that name one thing: a synonym form, or words written glued together."""
    spans = [(s, e, c) for s, e, c in concepts([w.term for w in seq]) if e - s > 1]
    for start in range(len(seq)):
        for end in range(start + 2, min(start + _MAX_JOIN, len(seq)) + 1):
            joined = stem("".join(w.surface for w in seq[start:end]))
            if joined in postings:
                spans.append((start, end, joined))
            concept = SINGLE_WORD_FORMS.get(joined)
            if concept is not None:
                spans.append((start, end, concept))
    seen: set[str] = set()
    for start, end, term in spans:
        if term not in postings or term in seen:
            continue
        seen.add(term)
        parts = [slots[i] for i in range(start, end) if i in slots]
        coverage = sum(p.coverage for p in parts)
        for part in parts:
            part.weight = min(part.weight, _DEMOTED)
            part.coverage = 0.0
        yield _Slot({term: 1.0}, coverage=coverage or 1.0)


def _bigram_slots(seq: list[Word], postings: dict[str, dict[int, float]]) -> Iterable[_Slot]:
    content = [w for w in seq if not w.stop]
    for left, right in pairwise(content):
        term = f"{left.term} {right.term}"
        if term in postings:
            yield _Slot({term: 1.0}, weight=_PHRASE_WEIGHT, coverage=0.0)


def _typos(surface: str, scope: _Scope) -> dict[str, float]:
    """Known words one or two edits away (a swap of neighbours is one edit)."""
    if len(surface) < 5 or not surface[0].isalpha():
        return {}
    limit = 1 if len(surface) <= 7 else 2
    candidates: list[str] = []
    for length in range(len(surface) - limit, len(surface) + limit + 1):
        candidates.extend(scope.buckets.get((surface[0], length), ()))
    matches = process.extract(
        surface, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not matches:
        return {}
    nearest = min(distance for _, distance, _ in matches)
    return {
        scope.surfaces[candidate]: _TYPO_WEIGHT[int(distance)]
        for candidate, distance, _ in matches
        if distance == nearest
    }


def _completions(prefix: str, scope: _Scope) -> list[str]:
    """Known words that start with prefix (someone still typing, or a word cut short)."""
    if len(prefix) < 3:
        return []
    found: list[str] = []
    start = bisect_left(scope.sorted_surfaces, prefix)
    for surface in scope.sorted_surfaces[start : start + _MAX_PREFIX_TERMS]:
        if not surface.startswith(prefix):
            break
        if surface != prefix:
            found.append(scope.surfaces[surface])
    return found
