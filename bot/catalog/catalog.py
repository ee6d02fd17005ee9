"""The loaded, validated content: read-only lookups by id and by topic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.catalog.model import Entry, Question, Topic


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, Topic]
    entries: dict[str, Entry]
    questions: dict[str, Question]
    topic_of: dict[str, str]
    _names: dict[str, str] = field(default_factory=dict)

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
