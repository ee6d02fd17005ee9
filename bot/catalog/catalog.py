"""The loaded, validated content: read-only lookups by id and by topic."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from bot.catalog.model import Entry, Question, Topic

V = TypeVar("V")


@dataclass(frozen=True)
class Catalog:
    topics: Mapping[str, Topic]
    entries: Mapping[str, Entry]
    questions: Mapping[str, Question]
    topic_of: Mapping[str, str]
    _names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        topics: Iterable[Topic],
        entries: Iterable[tuple[str, Entry]],
        questions: Iterable[tuple[str, Question]],
    ) -> Catalog:
        topic_map = {t.slug: t for t in topics}
        topic_of: dict[str, str] = {}
        entry_map: dict[str, Entry] = {}
        question_map: dict[str, Question] = {}
        for slug, entry in entries:
            entry_map[entry.id] = entry
            topic_of[entry.id] = slug
        for slug, question in questions:
            question_map[question.id] = question
            topic_of[question.id] = slug
        names = {t.slug: t.slug for t in topic_map.values()}
        names.update({a: t.slug for t in topic_map.values() for a in t.aliases})
        return cls(topic_map, entry_map, question_map, topic_of, names)

    def overlay(self, own: Catalog) -> Catalog:
        """This catalog with `own` laid over it (a workspace's content over the bundled bank):
        `own` wins where both have an id. Nothing is copied, so a workspace costs only its own."""
        return Catalog(_layered(own.topics, self.topics), _layered(own.entries, self.entries),
                       _layered(own.questions, self.questions),
                       _layered(own.topic_of, self.topic_of), _layered(own._names, self._names))

    def resolve_topic(self, name: str) -> str | None:
        """The topic slug for a slug or an alias, case-insensitively; None when unknown."""
        return self._names.get(name.strip().lower())

    def questions_in(self, topics: Iterable[str] | None = None) -> list[Question]:
        """Questions in rotation of the given topics (all when None), in a stable order."""
        wanted = set(topics) if topics else None
        return [
            q for q in self.questions.values()
            if not q.retired and (wanted is None or self.topic_of[q.id] in wanted)
        ]

    def entries_in(self, topic: str | None = None) -> list[Entry]:
        return [e for e in self.entries.values() if topic is None or self.topic_of[e.id] == topic]


def _layered(top: Mapping[str, V], base: Mapping[str, V]) -> Mapping[str, V]:
    """A read-only view of `top` over `base` (ChainMap only asks for mutable maps to write)."""
    return ChainMap(dict(top), cast(MutableMapping[str, V], base))
