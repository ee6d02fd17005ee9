"""The lookup index: one in-process, typo-tolerant index over entries' titles, keywords and bodies.

Scoring is BM25F (title and keywords weigh more than the body), computed per scope, so a word that
is rare across the bank but common within one topic counts for little inside that topic. Two more
signals pick the entry a person meant: how many of the query's words an entry matches at all, and
how many it matches in its title or keywords, which name what the entry is about.

A query word the index does not know is mapped to close words it does know (typos, then prefixes,
which also serves autocomplete while someone is still typing); abbreviations and other spellings
meet through the concept terms of `synonyms`; adjacent query words are also tried glued together
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
from bot.catalog.search.synonyms import SINGLE_WORD_FORMS, concepts
from bot.catalog.search.terms import Word, stem, words

# Field weights and BM25 length normalisation; the body is long and says many things in passing.
_FIELDS: dict[str, tuple[float, float]] = {
    "title": (3.0, 0.3),
    "keywords": (2.5, 0.3),
    "body": (1.0, 0.75),
    "topic": (0.5, 0.0),
}
_TOPIC_FIELDS = ("title", "keywords", "body")  # within one topic, where its name says nothing
_SALIENT = ("title", "keywords", "topic")  # the fields that name what an entry is about
_SALIENT_WITHIN = ("title", "keywords")
_K1 = 1.2
# How much a match through a guess counts next to the word itself.
_TYPO_WEIGHT = {1: 0.8, 2: 0.6}
_PREFIX_WEIGHT = 0.7
_TYPING_WEIGHT = 0.9  # the last word of a query still being typed (autocomplete)
_TYPED_WORD_WEIGHT = 0.5
_EXTRA_WEIGHT = 0.8  # a part of a compound word (for_each -> each)
_DEMOTED = 0.5  # the words of a phrase that also matched as one concept
_PHRASE_WEIGHT = 0.5  # a bonus for words that appear next to each other in a title or keyword
# An entry that matches only some of the query's words keeps this share of its score at worst.
_COVERAGE_FLOOR = 0.35
# The bonus for an entry whose title or keywords hold all of the query's words.
_SALIENT_BONUS = 0.6
_MIN_RELATIVE = 0.1  # hits far below the best one are noise, not answers
_MAX_PREFIX_TERMS = 40
_MAX_JOIN = 4
_MAX_QUERY_WORDS = 32
_MAX_SUGGEST_CHARS = 100
# Shorter words have too many neighbours (pod -> prod): guessing is worse than asking.
_TYPO_MIN_LENGTH = 4
_BODY_TYPO_MIN_LENGTH = 7  # shorter words corrected to a word only bodies use are mostly wrong
_TYPING_MIN_LENGTH = 3  # the shortest start of a word worth completing
_CUT_SHORT_MIN_LENGTH = 5  # the shortest unknown word that may be a longer one cut short


@dataclass(frozen=True)
class Hit:
    """One entry found; score orders the hits of one call and means nothing across calls."""

    entry_id: str
    topic: str
    title: str
    score: float


@dataclass
class _Slot:
    """One thing the query asks for: the terms that satisfy it (with how well), and the positions
    of the query words it stands for."""

    options: dict[str, float]
    positions: frozenset[int]
    weight: float = 1.0


@dataclass
class _Vocabulary:
    """Surface forms of words (as typed) and the term each stands for, for typos and prefixes."""

    terms: dict[str, str] = field(default_factory=dict)
    sorted: list[str] = field(default_factory=list)
    buckets: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def freeze(self) -> None:
        self.sorted = sorted(self.terms)
        for surface in self.sorted:
            self.buckets.setdefault((surface[0], len(surface)), []).append(surface)


@dataclass
class _Scope:
    """The postings of one topic (or of all topics): term -> {document: contribution}, and the
    documents whose title, keywords or topic hold the term."""

    docs: list[int]
    postings: dict[str, dict[int, float]]
    salient: dict[str, set[int]]
    salient_words: _Vocabulary
    body_words: _Vocabulary
    # How many documents hold each term, and how many there are: what another index built
    # against this one as its background counts with (see SearchIndex.build).
    df: Counter[str] = field(default_factory=Counter)
    size: int = 0


@dataclass
class _Read:
    """One entry as the index sees it: term counts per field and the words seen."""

    fields: dict[str, Counter[str]]
    salient_words: dict[str, str]
    body_words: dict[str, str]


@dataclass(frozen=True)
class _Doc:
    entry_id: str
    topic: str
    title: str
    keywords: str


class SearchIndex:
    def __init__(self, docs: list[_Doc], scopes: dict[str | None, _Scope],
                 averages: dict[str, float] | None = None) -> None:
        self._docs = docs
        self._scopes = scopes
        self._averages = averages or {}

    @classmethod
    def build(cls, catalog: Catalog, background: SearchIndex | None = None) -> SearchIndex:
        """The index of the catalog's entries. With a `background` (the bundled bank's index),
        a few entries of a workspace's own are scored as if they were part of the background's
        collection (its document frequencies and field lengths), so their scores and the
        background's compare, and the two indexes can be searched as one (LayeredIndex)."""
        docs: list[_Doc] = []
        reads: list[_Read] = []
        for entry in catalog.entries.values():
            slug = catalog.topic_of[entry.id]
            docs.append(_Doc(entry.id, slug, entry.title, ", ".join(entry.keywords)))
            reads.append(_read_entry(entry, catalog.topics[slug]))
        averages = background._averages if background is not None else {
            name: max(1.0, sum(sum(r.fields[name].values()) for r in reads) / max(1, len(reads)))
            for name in _FIELDS
        }
        behind = background._scopes if background is not None else {}
        # The topic's own name only helps to pick a topic: within one topic every entry has it,
        # and it would make "star" (an alias of behavioral) useless for finding the STAR entry.
        across = [_bm25f_tf(r.fields, averages, _FIELDS) for r in reads]
        within = [_bm25f_tf(r.fields, averages, _TOPIC_FIELDS) for r in reads]
        scopes: dict[str | None, _Scope] = {
            None: _scope(range(len(docs)), across, reads, _SALIENT, behind.get(None))
        }
        for slug in catalog.topics:
            members = [i for i, d in enumerate(docs) if d.topic == slug]
            scopes[slug] = _scope(members, within, reads, _SALIENT_WITHIN, behind.get(slug))
        return cls(docs, scopes, averages)

    def covers(self, topic: str | None) -> bool:
        """Whether `topic` (None: every topic) is a scope of this index."""
        return topic in self._scopes

    def search(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]:
        """The entries that match query, best first; [] when nothing is a real match."""
        scope = self._scope(topic)
        slots = _slots(query, scope)
        asked = len(frozenset().union(*(s.positions for s in slots)))
        if limit <= 0 or not asked:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, set[int]] = defaultdict(set)
        named: dict[int, set[int]] = defaultdict(set)
        for slot in slots:
            best: dict[int, float] = {}
            for term, weight in slot.options.items():
                for doc, value in scope.postings[term].items():
                    value *= weight
                    if value > best.get(doc, 0.0):
                        best[doc] = value
                for doc in scope.salient.get(term, ()):
                    named[doc].update(slot.positions)
            for doc, value in best.items():
                scores[doc] += slot.weight * value
                matched[doc].update(slot.positions)
        ranked = sorted(
            (
                (
                    score
                    * (_COVERAGE_FLOOR + (1 - _COVERAGE_FLOOR) * len(matched[doc]) / asked)
                    * (1 + _SALIENT_BONUS * len(named[doc]) / asked),
                    doc,
                )
                for doc, score in scores.items()
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
        # Titles are short; comparing a pasted page with them costs time and tells nothing more.
        text = query.strip().lower()[:_MAX_SUGGEST_CHARS]
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


def _read_entry(entry: Entry, topic: Topic) -> _Read:
    slug_words = entry.id.split(".", 1)[1].replace("-", " ")
    texts = {
        "title": [entry.title],
        "keywords": [*entry.keywords, slug_words],
        "body": [entry.body],
        "topic": [" ".join((topic.slug, topic.title, *topic.aliases))],
    }
    read = _Read({}, {}, {})
    for name, parts in texts.items():
        counter: Counter[str] = Counter()
        seen = read.salient_words if name in _SALIENT else read.body_words
        for part in parts:
            seq = words(part)
            counter.update(_terms(seq, phrases=name != "body"))
            for w in seq:
                if not w.stop:
                    seen[w.surface] = w.term
                    for extra in w.extras:
                        seen.setdefault(extra, extra)
        read.fields[name] = counter
    return read


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


def _bm25f_tf(
    fields: dict[str, Counter[str]], averages: dict[str, float], names: Iterable[str]
) -> dict[str, float]:
    tf: dict[str, float] = defaultdict(float)
    for name in names:
        counter = fields[name]
        weight, b = _FIELDS[name]
        norm = 1 - b + b * sum(counter.values()) / averages[name]
        for term, count in counter.items():
            tf[term] += weight * count / norm
    return tf


def _scope(
    members: Iterable[int],
    weighted: list[dict[str, float]],
    reads: list[_Read],
    salient_fields: tuple[str, ...],
    background: _Scope | None = None,
) -> _Scope:
    docs = list(members)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(weighted[doc].keys())
    seen = df + background.df if background is not None else df
    n = len(docs) + (background.size if background is not None else 0)
    idf = {term: math.log(1 + (n - seen[term] + 0.5) / (seen[term] + 0.5)) for term in df}
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    salient: dict[str, set[int]] = defaultdict(set)
    salient_words, body_words = _Vocabulary(), _Vocabulary()
    for doc in docs:
        for term, tf in weighted[doc].items():
            postings[term][doc] = idf[term] * tf * (_K1 + 1) / (_K1 + tf)
        for name in salient_fields:
            for term in reads[doc].fields[name]:
                salient[term].add(doc)
        salient_words.terms.update(reads[doc].salient_words)
        body_words.terms.update(reads[doc].body_words)
    for surface, concept in SINGLE_WORD_FORMS.items():
        # An abbreviation the entries never spell out can still be mistyped.
        if concept in postings:
            salient_words.terms.setdefault(surface, concept)
    for surface in salient_words.terms:
        body_words.terms.pop(surface, None)
    for vocabulary in (salient_words, body_words):
        # Words only a field this scope leaves out (the topic's name) lead nowhere here.
        vocabulary.terms = {s: t for s, t in vocabulary.terms.items() if t in postings}
    salient_words.freeze()
    body_words.freeze()
    return _Scope(docs, dict(postings), dict(salient), salient_words, body_words, df, len(docs))


def _slots(query: str, scope: _Scope) -> list[_Slot]:
    seq = words(query[: _MAX_QUERY_WORDS * 40])
    # A pasted paragraph is not a lookup; its first words bound the work.
    still_typing = bool(query) and not query[-1].isspace() and len(seq) <= _MAX_QUERY_WORDS
    seq = seq[:_MAX_QUERY_WORDS]
    postings = scope.postings
    slots: dict[int, _Slot] = {}
    for i, w in enumerate(seq):
        if w.stop:
            continue
        options: dict[str, float] = {}
        if w.term in postings:
            options[w.term] = 1.0
        for extra in w.extras:
            if extra in postings:
                options.setdefault(extra, _EXTRA_WEIGHT)
        concept = SINGLE_WORD_FORMS.get(w.term)
        if concept in postings:
            options[concept] = 1.0
        if still_typing and i == len(seq) - 1:
            # A whole known word may still be the start of a longer one (lock -> lockfile).
            weight = _TYPED_WORD_WEIGHT if options else _TYPING_WEIGHT
            for term in _completions(w.surface, scope):
                options.setdefault(term, weight)
        if not options:
            options.update(_typos(w.surface, scope))
        if not options and len(w.surface) >= _CUT_SHORT_MIN_LENGTH:
            for term in _completions(w.surface, scope):
                options.setdefault(term, _PREFIX_WEIGHT)
        slots[i] = _Slot(options, frozenset((i,)))
    extra_slots = [*_phrase_slots(seq, slots, postings), *_bigram_slots(seq, postings)]
    return [*slots.values(), *extra_slots]


def _phrase_slots(
    seq: list[Word], slots: dict[int, _Slot], postings: dict[str, dict[int, float]]
) -> Iterable[_Slot]:
    """Several query words that name one thing: a synonym form, or words written glued together."""
    spans: dict[tuple[int, int], set[str]] = defaultdict(set)
    for start, end, concept in concepts([w.term for w in seq]):
        if end - start > 1:
            spans[start, end].add(concept)
    for start in range(len(seq)):
        for end in range(start + 2, min(start + _MAX_JOIN, len(seq)) + 1):
            joined = stem("".join(w.surface for w in seq[start:end]))
            spans[start, end].add(joined)
            form = SINGLE_WORD_FORMS.get(joined)
            if form is not None:
                spans[start, end].add(form)
    seen: set[str] = set()
    for (start, end), terms in spans.items():
        # One slot per span: the glued word and its concept are the same thing asked once.
        known = {term for term in terms if term in postings and term not in seen}
        if not known:
            continue
        seen.update(known)
        positions = frozenset(i for i in range(start, end) if i in slots)
        for i in positions:
            slots[i].weight = min(slots[i].weight, _DEMOTED)
        yield _Slot(dict.fromkeys(known, 1.0), positions)


def _bigram_slots(seq: list[Word], postings: dict[str, dict[int, float]]) -> Iterable[_Slot]:
    content = [(i, w) for i, w in enumerate(seq) if not w.stop]
    for (i, left), (j, right) in pairwise(content):
        term = f"{left.term} {right.term}"
        if term in postings:
            yield _Slot({term: 1.0}, frozenset((i, j)), weight=_PHRASE_WEIGHT)


def _typos(surface: str, scope: _Scope) -> dict[str, float]:
    """Known words one or two edits away (a swap of neighbours is one edit), preferring the words
    of titles and keywords, which are what people look up."""
    if len(surface) < _TYPO_MIN_LENGTH or not surface[0].isalpha():
        return {}
    limit = 1 if len(surface) <= 7 else 2
    found = _nearest(surface, scope.salient_words, limit)
    if not found and len(surface) >= _BODY_TYPO_MIN_LENGTH:
        found = _nearest(surface, scope.body_words, 1)
    return found


def _nearest(surface: str, vocabulary: _Vocabulary, limit: int) -> dict[str, float]:
    candidates: list[str] = []
    for length in range(len(surface) - limit, len(surface) + limit + 1):
        candidates.extend(vocabulary.buckets.get((surface[0], length), ()))
    matches = process.extract(
        surface, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not matches:
        return {}
    nearest = min(distance for _, distance, _ in matches)
    return {
        vocabulary.terms[candidate]: _TYPO_WEIGHT[int(distance)]
        for candidate, distance, _ in matches
        if distance == nearest
    }


def _completions(prefix: str, scope: _Scope) -> list[str]:
    """Known words that start with prefix (someone still typing, or a word cut short)."""
    if len(prefix) < _TYPING_MIN_LENGTH:
        return []
    found: list[str] = []
    for vocabulary in (scope.salient_words, scope.body_words):
        start = bisect_left(vocabulary.sorted, prefix)
        for surface in vocabulary.sorted[start : start + _MAX_PREFIX_TERMS]:
            if not surface.startswith(prefix):
                break
            if surface != prefix:
                found.append(vocabulary.terms[surface])
    return found
